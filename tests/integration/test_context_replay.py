#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_context_replay.py BUILD_DIR: the "host" and "context" members
(docs/events.md, Context) on laurel's own process-tracking samples,
offline. laurel's shell-proc-trace.txt is a known tree (bash 71432 ->
sh 71505 running test-script.sh -> sh 71506 -> echo 71508 / sed 71509,
grep 71507): every event's ancestry must be exactly that one; labels by
key and by exe are inherited; ?context=no on one output leaves the
members out there only; the tree path (VIGIL_JSON_TREE=1, a Lua filter)
writes the same; drop label=NAME drops; Lua sees event.context and
vigil.process(pid); context = no turns it all off; the fields laurel
adds for the same events (PARENT_INFO: ppid's exe/comm/EVENT_ID, ARGV)
are present. No root needed."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")
CORPUS = os.environ.get("VG_CORPUS", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", "data", "corpus"))
TRACE = os.path.join(CORPUS, "logs", "laurel", "shell-proc-trace.txt")

# pid -> (exe, parent pid) of the trace, from its header comment
TREE = {71505: ("/usr/bin/dash", 71432), 71506: ("/usr/bin/dash", 71505),
        71507: ("/usr/bin/grep", 71505), 71508: ("/usr/bin/echo", 71506),
        71509: ("/usr/bin/sed", 71506), 71432: ("/usr/bin/bash", None)}


def replay(vigild, tmp, conf_lines, outs, env=None, log=TRACE):
    conf = os.path.join(tmp, "vigild.conf")
    with open(conf, "w") as f:
        f.write("\n".join(conf_lines) + "\n")
    argv = [vigild, "-c", conf, "--replay", log]
    for o in outs:
        argv += ["-o", o]
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(argv, capture_output=True, text=True, env=e)
    return r


def lines(path):
    with open(path, "rb") as f:
        return [json.loads(x) for x in f if x.strip()]


def ancestry(ev):
    c = ev.get("context", {})
    return [p["pid"] for p in c.get("parents", [])]


def expected_chain(pid):
    out = []
    p = TREE.get(pid, (None, None))[1]
    while p is not None and len(out) < 4:
        out.append(p)
        p = TREE.get(p, (None, None))[1]
    return out


def test_tree(vigild, tmp):
    out = os.path.join(tmp, "a.json")
    r = replay(vigild, tmp, ["label = script key=test-script",
                             "label = dashes exe=/usr/bin/dash"],
               [f"json:{out}"])
    check("replay ok", r.returncode == 0, r.stderr)
    evs = lines(out)
    check("all events", len(evs) == 9, str(len(evs)))
    for ev in evs:
        pid = ev["syscall"]["pid"]
        c = ev.get("context", {})
        check(f"{ev['serial']}: host", isinstance(ev.get("host"), str) and
              ev["host"] != "")
        check(f"{ev['serial']}: process is the actor",
              c.get("process", {}).get("pid") == pid)
        check(f"{ev['serial']}: ancestry of {pid}",
              ancestry(ev) == expected_chain(pid),
              f"{ancestry(ev)} != {expected_chain(pid)}")
        for p in c.get("parents", []):
            if p["pid"] in TREE and p["pid"] != 71432:
                check(f"{ev['serial']}: exe of parent {p['pid']}",
                      p.get("exe") == TREE[p["pid"]][0], p.get("exe"))
        for k, v in c.items():
            check(f"{ev['serial']}: {k} not empty", v not in ("", [], {}))
    by = {(e["serial"]): e for e in evs}
    sed = by[29245]["context"]
    check("sed argv from its EXECVE", sed["process"].get("argv") ==
          ["/bin/sed", "-e", "s/foo/bar/"], sed["process"].get("argv"))
    check("sed spawned_by its execve", sed["process"]["spawned_by"] == 29245)
    check("sh's spawned_by is its execve",
          sed["parents"][1].get("spawned_by") == 29238, sed["parents"][1])
    check("script of the shell", by[29239]["context"].get("script") ==
          "./src/testdata/double-fork/test-script.sh",
          by[29239]["context"].get("script"))
    check("grep has no script", "script" not in by[29242]["context"])
    # the key label of the script's execve, inherited by the pipeline
    check("key label inherited by sed", "script" in sed.get("labels", []),
          sed.get("labels"))
    check("exe label given by the fork, kept by the exec",
          sed.get("labels") == ["script", "dashes"], sed.get("labels"))
    check("bash has no label", "labels" not in by[29237]["context"])
    check("names of ids", sed.get("names", {}).get("uid") is None or
          isinstance(sed["names"]["uid"], str))
    return evs


def test_no_context_output(vigild, tmp, ref):
    a = os.path.join(tmp, "b1.json")
    b = os.path.join(tmp, "b2.json")
    r = replay(vigild, tmp, [], [f"json:{a}", f"json:{b}?context=no"])
    check("two outputs ok", r.returncode == 0, r.stderr)
    with_ctx, without = lines(a), lines(b)
    check("context=no output has neither member",
          all("context" not in e and "host" not in e for e in without))
    stripped = []
    for e in with_ctx:
        e = dict(e)
        e.pop("host", None)
        e.pop("context", None)
        stripped.append(e)
    check("otherwise the same events", stripped == without)
    check("the other output keeps them", all(
        "host" in e and "context" in e for e in with_ctx) and
        [e["context"]["parents"] for e in with_ctx if e["serial"] == 29245]
        == [e["context"]["parents"] for e in ref if e["serial"] == 29245])
    # the tree path (and the per-output strip on a tree) agree
    c = os.path.join(tmp, "t1.json")
    d = os.path.join(tmp, "t2.json")
    r = replay(vigild, tmp, [], [f"json:{c}", f"json:{d}?context=no"],
               env={"VIGIL_JSON_TREE": "1"})
    check("tree path ok", r.returncode == 0, r.stderr)
    with open(a, "rb") as f1, open(c, "rb") as f2:
        check("tree path: same bytes", f1.read() == f2.read())
    with open(b, "rb") as f1, open(d, "rb") as f2:
        check("tree path, context=no: same bytes", f1.read() == f2.read())


def test_off(vigild, tmp):
    out = os.path.join(tmp, "off.json")
    r = replay(vigild, tmp, ["context = no"], [f"json:{out}"])
    check("context = no ok", r.returncode == 0, r.stderr)
    check("context = no: no member", all(
        "context" not in e and "host" not in e for e in lines(out)))


def test_filters(vigild, tmp):
    out = os.path.join(tmp, "drop.json")
    r = replay(vigild, tmp, ["label = pipe exe=/usr/bin/sed",
                             "drop = label=pipe"], [f"json:{out}"])
    check("drop label= ok", r.returncode == 0, r.stderr)
    serials = [e["serial"] for e in lines(out)]
    check("drop label=pipe drops sed's event", 29245 not in serials and
          len(serials) == 8, str(serials))
    r = replay(vigild, tmp, ["drop = label=nosuch"], [f"json:{out}"])
    check("drop label= of an unknown label is refused",
          r.returncode != 0 and "label" in r.stderr, r.stderr)
    lua = os.path.join(tmp, "ctx.lua")
    with open(lua, "w") as f:
        f.write("""
function filter(e)
	local c = e.context
	if c == nil or c.process == nil then return 1 end
	local p = vigil.process(c.process.pid)
	e.lua_exe = p and p.exe or "none"
	e.lua_parent = c.parents and c.parents[1] and c.parents[1].pid or 0
	local pp = vigil.process(e.lua_parent)
	e.lua_parent_exe = pp and pp.exe or "none"
	e.lua_missing = vigil.process(1) == nil
	return e
end
""")
    out = os.path.join(tmp, "lua.json")
    r = replay(vigild, tmp, [f"lua_filter = {lua}"], [f"json:{out}"])
    check("lua ok", r.returncode == 0, r.stderr)
    evs = lines(out)
    sed = [e for e in evs if e["serial"] == 29245]
    check("lua sees event.context and vigil.process()",
          len(sed) == 1 and sed[0]["lua_exe"] == "/usr/bin/sed" and
          sed[0]["lua_parent"] == 71506 and
          sed[0]["lua_parent_exe"] == "/usr/bin/dash" and
          sed[0]["lua_missing"] is True, json.dumps(sed)[:400])


def test_laurel_fields(ref):
    """laurel adds to a syscall event: PPID (EVENT_ID of the parent's
    execve, comm, exe, ppid) and the ARGV of execve. The same facts must
    be in vigil's context."""
    sed = [e for e in ref if e["serial"] == 29245][0]["context"]
    par = sed["parents"][0]
    check("laurel PPID.exe", par.get("exe") == "/usr/bin/dash")
    # the kernel's comm of a script run by sh is the script's name (its
    # own fork record, 29241, says so too)
    check("laurel PPID.comm", par.get("comm") == "test-script.sh",
          par.get("comm"))
    check("laurel PPID.ppid", par.get("ppid") == 71505)
    # 71506 never ran a program of its own: its fork started it
    check("laurel PPID.EVENT_ID (fork of 71506)",
          par.get("spawned_by") == 29239, par.get("spawned_by"))


def test_ecs(vigild, tmp, ref):
    """format=ecs: the mapping of docs/outputs.md (ECS) on the same
    events; the JSON output beside it is unchanged."""
    out = os.path.join(tmp, "ecs.json")
    js = os.path.join(tmp, "ecs-beside.json")
    r = replay(vigild, tmp, ["label = script key=test-script"],
               [f"json:{out}?format=ecs", f"json:{js}"])
    check("ecs ok", r.returncode == 0, r.stderr)
    evs = {int(e["event"]["id"]): e for e in lines(out)}
    check("ecs: one document per event", len(evs) == len(ref))
    sed = evs.get(29245, {})
    p = sed.get("process", {})
    check("ecs: @timestamp", sed.get("@timestamp") ==
          "2023-04-27T15:24:05.534Z", sed.get("@timestamp"))
    check("ecs: event.action, outcome, category",
          sed.get("event", {}).get("action") == "execve" and
          sed["event"].get("outcome") == "success" and
          sed["event"].get("category") == ["process"], repr(sed.get("event")))
    check("ecs: process", p.get("pid") == 71509 and
          p.get("executable") == "/usr/bin/sed" and
          p.get("args") == ["/bin/sed", "-e", "s/foo/bar/"] and
          p.get("command_line") == "/bin/sed -e s/foo/bar/" and
          p.get("working_directory") == "/home/user/src/laurel", repr(p))
    check("ecs: process.parent from context",
          p.get("parent", {}).get("pid") == 71506 and
          p["parent"].get("executable") == "/usr/bin/dash", repr(p))
    check("ecs: user.id is a keyword", sed.get("user", {}).get("id") ==
          "1000", repr(sed.get("user")))
    check("ecs: file.path", sed.get("file", {}).get("path") == "/bin/sed",
          repr(sed.get("file")))
    check("ecs: host.name", sed.get("host", {}).get("name") ==
          ref[0]["host"])
    check("ecs: tags from keys and labels",
          evs.get(29238, {}).get("tags") == ["test-script", "script"] and
          sed.get("tags") == ["script"],
          repr(evs.get(29238, {}).get("tags")))
    check("ecs: the JSON output beside it is plain",
          all("serial" in e for e in lines(js)))
    log = os.path.join(CORPUS, "logs", "laurel", "record-connect.txt")
    out = os.path.join(tmp, "ecs-connect.json")
    r = replay(vigild, tmp, [], [f"json:{out}?format=ecs"], log=log)
    d = lines(out)
    check("ecs: connect -> destination",
          d and d[0].get("destination") == {"ip": "127.0.0.1", "address":
                                            "127.0.0.1", "port": 11211} and
          d[0].get("network") == {"type": "ipv4"}, repr(d[:1])[:300])
    r = replay(vigild, tmp, [], [f"json:{out}?format=xml"])
    check("format=xml is refused", r.returncode != 0 and "format" in
          r.stderr, r.stderr)


def test_bad_label(vigild, tmp):
    out = os.path.join(tmp, "x.json")
    r = replay(vigild, tmp, ["label = x nothing=1"], [f"json:{out}"])
    check("a bad label line stops vigild, naming it",
          r.returncode != 0 and "label" in r.stderr, r.stderr)
    conf = os.path.join(tmp, "vigild.conf")
    r = subprocess.run([vigild, "--check", "-c", conf], capture_output=True,
                       text=True)
    check("vigild --check finds the bad label",
          r.returncode != 0 and "label" in r.stderr, r.stderr + r.stdout)


def main():
    vigild = vtest.vigild_path()
    if not os.path.exists(TRACE):
        vtest.skip("no laurel corpus")
    with tempfile.TemporaryDirectory() as tmp:
        ref = test_tree(vigild, tmp)
        test_no_context_output(vigild, tmp, ref)
        test_off(vigild, tmp)
        test_filters(vigild, tmp)
        test_laurel_fields(ref)
        test_ecs(vigild, tmp, ref)
        test_bad_label(vigild, tmp)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
