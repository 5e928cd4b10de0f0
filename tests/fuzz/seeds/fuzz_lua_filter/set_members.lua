function filter(e)
  local s = e.syscall
  if s then
    s.zeta = 1; s.alpha = "a\"b"; s.new1 = 5; s.new1 = nil
    s.comm = {x = 1, y = {1, 2}}; s["we ird"] = true; s.pid = 3.5
  end
  local x = e.execve
  if x then x.argc = nil end
  local u = e.user_cmd
  if u then u["k\"q"] = 1; u.cmd = "ls" end
  return e
end
