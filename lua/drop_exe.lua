-- drop_exe.lua: drop every event of the given executables (cron, monitoring
-- agents, ...). Exact paths in DROP; shell-style patterns in DROP_GLOB.
-- Exact paths are cheaper still as vigild.conf "drop syscall.exe=PATH"
-- lines (C, before Lua); use this file when you need patterns or logic.

local DROP = {
	["/usr/sbin/cron"] = true,
	["/usr/sbin/crond"] = true,
	["/usr/bin/prometheus-node-exporter"] = true,
}

local DROP_GLOB = {
	"/opt/monitoring/*",
	"/usr/lib/nagios/plugins/*",
}

function filter(event)
	local sc = event.syscall
	if sc == nil then
		return 0
	end
	local exe = sc.exe
	if type(exe) ~= "string" then
		return 0
	end
	if DROP[exe] then
		return 1
	end
	for i = 1, #DROP_GLOB do
		if vigil.glob_match(DROP_GLOB[i], exe) then
			return 1
		end
	end
	return 0
end
