-- noise.lua: tutorial step 2 (docs/lua.md): drop the backup agent's
-- events, but keep the calls that failed: those are worth a look.

local AGENT = "/opt/backup/bin/agent"

---@param event vigil.Event
---@return vigil.Result
function filter(event)
	local sc = event.syscall
	if sc ~= nil and sc.exe == AGENT and sc.success == true then
		return 1
	end
	return 0
end
