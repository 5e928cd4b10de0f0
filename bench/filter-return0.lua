-- SPDX-License-Identifier: GPL-2.0-or-later
-- bench/filter-return0.lua: the vigild-lua-ret0 mode of bench/ab.sh
-- (issue 17): a filter that reads nothing and passes every event, so the
-- difference from vigild-json is what calling Lua once per event costs
-- (the event table, the call, the verdict), the floor under any filter.
function filter(e)
	return 0
end
