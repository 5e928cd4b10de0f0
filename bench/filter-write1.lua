-- bench/filter-write1.lua: one member written (issue 17's fourth case):
-- the SYSCALL record's exe replaced in every event that has one, the
-- event returned, so each of them goes through the document tree.
function filter(e)
	local s = e.syscall
	if s ~= nil then
		s.exe = "x"
	end
	return e
end
