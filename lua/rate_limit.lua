-- rate_limit.lua: keep only the first N events per executable per minute
-- (by event time, so a replayed log is limited as it happened). Events
-- without syscall.exe always pass. Counts live in the filter's Lua state
-- and start again after a reload.

local N = 5

local minute = nil	-- "YYYY-MM-DDTHH:MM" of the current window
local count = {}	-- exe -> events seen in the window

function filter(event)
	local sc = event.syscall
	local exe = sc ~= nil and sc.exe or nil
	if type(exe) ~= "string" then
		return 0
	end
	local m = type(event.time) == "string" and string.sub(event.time, 1, 16)
	    or tostring(os.time() // 60)
	if m ~= minute then
		minute = m
		count = {}
	end
	local c = (count[exe] or 0) + 1
	count[exe] = c
	if c > N then
		return 1
	end
	return 0
end
