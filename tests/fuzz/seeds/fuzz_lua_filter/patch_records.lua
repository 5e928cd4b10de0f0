function filter(e)
  local s = e.syscall
  if s then s.exe = "x\n\"y"; s.a0 = nil; s.more = {1, {k = true}} end
  local x = e.execve
  if x then x.argc = 1.5 end
  local p = e.paths
  if p and p[1] then p[1].name = nil end
  return e
end
