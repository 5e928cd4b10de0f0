-- review: the same finalizer set during a call, then garbage made
function filter(event)
	local mt = getmetatable(vigil.array())
	if mt then mt.__gc = function() while true do end end end
	for i = 1, 100 do local _ = vigil.array() end
	collectgarbage()
	return event
end
