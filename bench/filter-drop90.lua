-- bench/filter-drop90.lua: the Lua filter cost table of bench/README.md
-- (issue 17): drops every event but those of one executable, by
-- syscall.exe. On bench/gen-log.py's log (11 executables about equally
-- often) it drops 91% of the events.
function filter(e)
	local s = e.syscall
	if s == nil or s.exe ~= "/usr/bin/git" then
		return 1
	end
	return 0
end
