-- first_seen.lua: tutorial step 3 (docs/lua.md): mark the first time
-- each user runs each program with first_seen = true. The programs
-- seen so far are kept in a Lua table between calls (until vigild
-- reloads the filter), at most MAX of them.

local MAX = 100000

local seen = {}		-- "auid exe" -> true
local nseen = 0

---@param event vigil.Event
---@return vigil.Result
function filter(event)
	local sc = event.syscall
	if event.execve == nil or sc == nil or type(sc.exe) ~= "string" then
		return 0
	end
	local k = tostring(sc.auid) .. " " .. sc.exe
	if seen[k] then
		return 0
	end
	if nseen >= MAX then	-- full: start again rather than grow
		seen, nseen = {}, 0
	end
	seen[k] = true
	nseen = nseen + 1
	event.first_seen = true
	return event
end
