-- fuzz_lua's filter: walk everything, add one member
local function walk(t, d)
	if d > 70 then return end
	for k, v in pairs(t) do
		if type(v) == 'table' then walk(v, d + 1)
		elseif type(v) == 'string' then local _ = #v .. k end
	end
end
function filter(event)
	walk(event, 0)
	event.zz_fuzz = 'x'
	return event
end
