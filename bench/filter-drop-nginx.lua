-- bench/filter-drop-nginx.lua: the ab benchmark's Lua filter that drops the
-- server's events (nginx: about 40% of the run's, ab makes the rest) by
-- exe, and passes the rest (issue 17: a dropping filter must cost less
-- than no filter). Verdicts (docs/lua.md): 1 drops, 0 passes. (Before
-- 2026-12-06 it had them the other way round: it dropped ab's 60%.)
function filter(e)
	local s = e.syscall
	if s ~= nil and s.exe == "/usr/sbin/nginx" then
		return 1
	end
	return 0
end
