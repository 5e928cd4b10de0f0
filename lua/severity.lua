-- severity.lua: add "severity" and "tags" members from the event's rule
-- keys (the -k of the audit rules). The highest severity of all matching
-- keys wins; tags are the union, in key order. Events without a known key
-- are passed unchanged (and not re-serialized).

local LEVEL = { info = 1, low = 2, medium = 3, high = 4, critical = 5 }

local KEYS = {
	exec         = { "info",     { "process" } },
	identity     = { "high",     { "account", "T1136" } },
	privileged   = { "medium",   { "privilege" } },
	sudoers      = { "high",     { "privilege", "T1548" } },
	perm_mod     = { "low",      { "file" } },
	access       = { "medium",   { "file", "denied" } },
	modules      = { "critical", { "kernel", "T1547" } },
	network_connect = { "low",   { "network" } },
	["T1059_Command_and_Scripting_Interpreter"] = { "medium", { "T1059" } },
}

function filter(event)
	local keys = event.keys
	if keys == nil or #keys == 0 then
		return 0
	end
	local best, sev = 0, nil
	local tags, seen = vigil.array(), {}
	for i = 1, #keys do
		local k = KEYS[keys[i]]
		if k ~= nil then
			local lvl = LEVEL[k[1]]
			if lvl > best then
				best, sev = lvl, k[1]
			end
			for _, t in ipairs(k[2]) do
				if not seen[t] then
					seen[t] = true
					tags[#tags + 1] = t
				end
			end
		end
	end
	if sev == nil then
		return 0
	end
	event.severity = sev
	event.tags = tags
	return event
end
