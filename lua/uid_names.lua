-- uid_names.lua: add user and group names next to numeric ids:
-- syscall.auid = 1000 gets syscall.auid_name = "alice" (and so on for
-- uid euid suid fsuid ouid gid egid sgid fsgid ogid, in syscall and in
-- every paths[] entry). Names come from vigil.user_name()/group_name()
-- (the system's passwd/group databases) and are cached here; 4294967295
-- ("unset") gets the name "unset". Ids with no name get no member.

local UIDS = { "auid", "uid", "euid", "suid", "fsuid", "ouid" }
local GIDS = { "gid", "egid", "sgid", "fsgid", "ogid" }
local UNSET = 4294967295

local ucache, gcache = {}, {}

local function lookup(cache, fn, id)
	local n = cache[id]
	if n == nil then
		if id == UNSET then
			n = "unset"
		else
			n = fn(id) or false
		end
		cache[id] = n
	end
	return n
end

local function name_ids(obj)
	if type(obj) ~= "table" then
		return false
	end
	local changed = false
	for _, f in ipairs(UIDS) do
		local id = obj[f]
		if math.type(id) == "integer" then
			local n = lookup(ucache, vigil.user_name, id)
			if n then
				obj[f .. "_name"] = n
				changed = true
			end
		end
	end
	for _, f in ipairs(GIDS) do
		local id = obj[f]
		if math.type(id) == "integer" then
			local n = lookup(gcache, vigil.group_name, id)
			if n then
				obj[f .. "_name"] = n
				changed = true
			end
		end
	end
	return changed
end

function filter(event)
	local changed = name_ids(event.syscall)
	local paths = event.paths
	if type(paths) == "table" then
		for i = 1, #paths do
			if name_ids(paths[i]) then
				changed = true
			end
		end
	end
	if changed then
		return event
	end
	return 0
end
