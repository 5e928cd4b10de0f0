-- redact.lua: blank out secrets in command lines before they are stored:
-- "--password=x", "--password x", "-p<x>" of mysql-like tools, "token=",
-- "api_key=", "secret=", "Authorization: Bearer x", URLs with user:pass@.
-- Rewrites execve.argv, proctitle.argv and the argv of the process and
-- its parents in context (docs/events.md, Context); the event is only returned
-- (re-serialized) when something was redacted.

local MARK = "[REDACTED]"

local find, match, lower, sub, byte = string.find, string.match,
    string.lower, string.sub, string.byte

-- option names whose value is secret (compared in lower case)
local SECRET_OPT = {
	["password"] = true, ["passwd"] = true, ["pass"] = true,
	["token"] = true, ["access-token"] = true, ["access_token"] = true,
	["api-key"] = true, ["api_key"] = true, ["apikey"] = true,
	["secret"] = true, ["client-secret"] = true, ["client_secret"] = true,
	["auth-token"] = true, ["private-key"] = true,
}

-- programs whose "-pVALUE" is a password (mysql -psecret)
local DASH_P = {
	["mysql"] = true, ["mysqldump"] = true, ["mysqladmin"] = true,
	["mariadb"] = true, ["mariadb-dump"] = true,
}

-- Patterns here run on text the user controls, under vigild's pattern
-- step budget (docs/lua.md): each is linear in its subject. ("([^/]*)$"
-- would be quadratic: tried from every start until the last slash.)
local function basename(s)
	return match(s, "^.*/(.*)$") or s
end

-- Returns the redacted form of one argument, or nil if it holds no
-- secret. prev_secret: the previous argument was a bare secret option.
local function redact_arg(arg, prog)
	-- --name=value / -name=value / name=value
	-- the name starts after every leading '-': "^(%-*)([%w_%-]+)="
	-- backtracks over the dashes, quadratic in their number
	local pre, name = match(arg, "^(%-*)([%w_][%w_%-]*)=")
	if name ~= nil and SECRET_OPT[lower(name)] then
		return pre .. name .. "=" .. MARK
	end
	-- Authorization: Bearer xxx (curl -H)
	local h = match(arg, "^([Aa]uthorization:%s*%a+%s+)")
	if h ~= nil then
		return h .. MARK
	end
	-- scheme://user:password@host
	local a, b = match(arg, "^(%a[%w+.-]*://[^/:@]+:)[^/@]+(@.*)$")
	if a ~= nil then
		return a .. MARK .. b
	end
	if DASH_P[prog] and #arg > 2 and sub(arg, 1, 2) == "-p" then
		return "-p" .. MARK
	end
	return nil
end

local function is_bare_secret_opt(arg)
	local name = match(arg, "^%-%-?([%w_%-]+)$")
	return name ~= nil and SECRET_OPT[lower(name)] == true
end

-- Cheap test first: only arguments with '=', ':' or a leading '-' can hold
-- a secret (most arguments are plain words and paths).
local function suspicious(arg)
	return byte(arg, 1) == 45 or find(arg, "[=:]") ~= nil
end

-- Redacts argv (a table of strings / vigil.null) in place; returns true
-- if anything changed.
local function redact_argv(argv)
	if type(argv) ~= "table" then
		return false
	end
	local changed = false
	local first = argv[1]
	local prog = type(first) == "string" and basename(first) or ""
	local after_opt = false
	for i = 2, #argv do
		local arg = argv[i]
		if type(arg) == "string" and (after_opt or suspicious(arg)) then
			if after_opt then
				argv[i] = MARK
				changed = true
				after_opt = false
			else
				local r = redact_arg(arg, prog)
				if r ~= nil then
					argv[i] = r
					changed = true
				else
					after_opt = is_bare_secret_opt(arg)
				end
			end
		else
			after_opt = false
		end
	end
	return changed
end

function filter(event)
	local changed = false
	local ex = event.execve
	if ex ~= nil and redact_argv(ex.argv) then
		changed = true
	end
	local pt = event.proctitle
	if pt ~= nil and redact_argv(pt.argv) then
		changed = true
	end
	local ctx = event.context
	if ctx ~= nil then
		if ctx.process ~= nil and redact_argv(ctx.process.argv) then
			changed = true
		end
		if type(ctx.parents) == "table" then
			for _, p in ipairs(ctx.parents) do
				if type(p) == "table" and redact_argv(p.argv) then
					changed = true
				end
			end
		end
	end
	if changed then
		return event
	end
	return 0
end
