#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_lua_defs.py: lua/vigil.d.lua (the Lua language server definitions)
is in step with docs/event.schema.json and the vigil.* helpers: it is what
contrib/gen-lua-defs.py makes now, it is valid Lua, and the check does
fail when the schema or the helpers change (tried on a copy).
Needs no build; argv[1] (the build dir) is ignored.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

SRC = os.environ.get("VG_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
GEN = os.path.join(SRC, "contrib", "gen-lua-defs.py")

check = vtest.Checks("colon")


def gen(src, *args):
    return subprocess.run([sys.executable, GEN] + list(args) + [src],
                          capture_output=True, text=True, timeout=60)


def copy_tree(d):
    for rel in ("docs/event.schema.json", "docs/lua.md", "lua/vigil.d.lua"):
        os.makedirs(os.path.join(d, os.path.dirname(rel)), exist_ok=True)
        shutil.copy(os.path.join(SRC, rel), os.path.join(d, rel))
    os.makedirs(os.path.join(d, "src"), exist_ok=True)
    for f in os.listdir(os.path.join(SRC, "src")):
        if f.startswith("filter_lua") and f.endswith(".c"):
            shutil.copy(os.path.join(SRC, "src", f),
                        os.path.join(d, "src", f))
    os.makedirs(os.path.join(d, "src", "context"), exist_ok=True)
    shutil.copy(os.path.join(SRC, "src", "context", "ctx_lua.c"),
                os.path.join(d, "src", "context", "ctx_lua.c"))


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def main():
    p = gen(SRC, "--check")
    check("lua/vigil.d.lua is what the generator makes", p.returncode == 0,
          p.stdout + p.stderr)
    defs = os.path.join(SRC, "lua", "vigil.d.lua")
    luac = shutil.which("luac5.3") or shutil.which("luac")
    if luac:
        p = subprocess.run([luac, "-p", defs], capture_output=True,
                           text=True)
        check("vigil.d.lua is valid Lua", p.returncode == 0, p.stderr)
    with open(defs) as f:
        text = f.read()
    for want in ("---@meta", "---@class vigil.Event", "---@field serial "
                 "integer", "---@field keys string[]",
                 "---@class vigil.Syscall: vigil.Record",
                 "---@field exe? string|vigil.Null",
                 "function vigil.cidr_match(cidr, addr) end",
                 "---@type vigil.Null"):
        check("vigil.d.lua has %s" % want, want in text)

    with tempfile.TemporaryDirectory() as d:
        copy_tree(d)
        p = gen(d, "--check")
        check("copy is in step", p.returncode == 0, p.stdout + p.stderr)
        # a new member in the schema: the committed file is stale
        edit(os.path.join(d, "docs", "event.schema.json"),
             '"node": {', '"site": {"type": "string"},\n    "node": {')
        p = gen(d, "--check")
        check("a schema change makes --check fail", p.returncode == 1,
              p.stdout + p.stderr)
        p = gen(d)
        with open(os.path.join(d, "lua", "vigil.d.lua")) as f:
            check("regenerated file has the new member",
                  "---@field site? string" in f.read())
        # a helper of the source the docs do not describe: refused
        edit(os.path.join(d, "docs", "lua.md"), "| `vigil.hostname()` |",
             "| `vigil.host_name()` |")
        p = gen(d)
        check("helpers of docs and source must agree",
              p.returncode != 0 and "host_name" in p.stderr, p.stderr)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
