-- noise1.lua: tutorial step 1 (docs/lua.md): drop every event of the
-- backup agent.

local AGENT = "/opt/backup/bin/agent"

---@param event vigil.Event
---@return vigil.Result
function filter(event)
	local sc = event.syscall
	if sc ~= nil and sc.exe == AGENT then
		return 1
	end
	return 0
end
