-- rate_limit.lua: keep only the first N events per executable per minute
-- (by event time, so a replayed log is limited as it happened). Events
-- without syscall.exe always pass. Counts live in the filter's Lua state
-- and start again after a reload. The last KEEP minutes are tracked, so
-- events that arrive a little out of order are counted in their minute.

local N = 5
local KEEP = 4

local windows = {}	-- "YYYY-MM-DDTHH:MM" -> { exe -> count }
local nwin = 0

local function window(m)
	local w = windows[m]
	if w ~= nil then
		return w
	end
	w = {}
	windows[m] = w
	nwin = nwin + 1
	while nwin > KEEP do	-- forget the oldest minute
		local oldest = nil
		for k in pairs(windows) do
			if oldest == nil or k < oldest then
				oldest = k
			end
		end
		windows[oldest] = nil
		nwin = nwin - 1
	end
	return windows[m] or {}
end

function filter(event)
	local sc = event.syscall
	local exe = sc ~= nil and sc.exe or nil
	if type(exe) ~= "string" then
		return 0
	end
	local t = event.time
	local m = type(t) == "string" and string.sub(t, 1, 16) or
	    tostring(os.time() // 60)
	local w = window(m)
	local c = (w[exe] or 0) + 1
	w[exe] = c
	if c > N then
		return 1
	end
	return 0
end
