-- bench/filter-drop-nginx.lua: the ab benchmark's Lua filter that drops the
-- noisy program (nginx: almost every event of the run) by exe, and passes
-- the rest (issue 17: a dropping filter must cost less than no filter).
function filter(e)
	local s = e.syscall
	if s ~= nil and s.exe == "/usr/sbin/nginx" then
		return 0
	end
	return 1
end
