-- review: a finalizer that never returns, set on a helper's metatable
getmetatable(vigil.array()).__gc = function() while true do end end
function filter(event)
	local a = vigil.array()
	setmetatable(a, getmetatable(vigil.array()))
	return event
end
