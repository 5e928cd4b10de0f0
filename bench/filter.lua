-- bench/filter.lua: the Lua filter of the vigild-lua benchmark mode. It
-- looks at a few members of every event (what a real filter does) and
-- passes everything, so the output equals vigild-json and the difference
-- is the cost of the Lua hook (protocol: docs/lua.md).
local seen = 0
function filter(ev)
	seen = seen + 1
	local sc = ev.syscall
	if sc ~= nil and sc.exe == "/usr/bin/nonexistent-benchmark-drop" then
		return false
	end
	return true
end
