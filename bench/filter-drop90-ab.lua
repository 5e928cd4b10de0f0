-- SPDX-License-Identifier: GPL-2.0-or-later
-- bench/filter-drop90-ab.lua: the vigild-lua-drop90 mode of bench/ab.sh
-- (issue 17: "a filter that drops 90% of events by exe costs less than
-- no filter"). In the ab benchmark ab makes about 60% of the events and
-- nginx 40%: this drops every event of ab and three in four of nginx's
-- (by serial), about 90%, each decided by the exe member. Verdicts
-- (docs/lua.md): 1 drops, 0 passes.
function filter(e)
	local s = e.syscall
	if s == nil then
		return 0
	end
	local exe = s.exe
	if exe == "/usr/bin/ab" then
		return 1
	end
	if exe == "/usr/sbin/nginx" and e.serial % 4 ~= 0 then
		return 1
	end
	return 0
end
