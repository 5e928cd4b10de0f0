-- review: 2000 references to one 1 MiB string in the returned event
-- (1 MiB in Lua, 2 GiB if copied out naively)
local s = string.rep("x", 1024 * 1024)
function filter(event)
	local t = {}
	for i = 1, 2000 do t[i] = s end
	event.big = t
	return event
end
