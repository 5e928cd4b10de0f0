#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_docs_options.py BUILD_DIR: the documentation agrees with the
programs. Every option `vigild --help` and `vigilctl --help` print is in
the tool's man page (docs/vigild.8, docs/vigilctl.8) and in README.md;
every output kind of the table in docs/outputs.md is in `vigild --help`
and vigild(8); every key of src/config/conf.c's table is in vigild.conf(5) and
docs/vigild.conf.md, every row of src/auditd/auditd_conf.c's in
docs/dropin.md, every row of src/auditd/plugins_conf.c's in the key
table of docs/plugins.md; `-h` prints the same as `--help`; each man page in
docs/ is installed by CMakeLists.txt and formats without groff warnings.
Generic on purpose: an option, output or key added later must be
documented to pass. Offline; no root needed."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

SRC = os.environ.get("VG_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
check = vtest.Checks("colon")

# an option word: not inside a path (/x-y), a spec (a:b-c) or a word
OPT = re.compile(r"(?<![\w/.:=-])(--?[A-Za-z][\w-]*)")


def read(rel):
    with open(os.path.join(SRC, rel), encoding="utf-8") as f:
        return f.read()


def man_text(rel):
    """A man page's source with font changes and escapes taken out, so
    that '\\-\\-foreground' reads '--foreground'."""
    t = read(rel)
    t = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\%", "", t)
    return t.replace("\\-", "-").replace('"', " ")


def help_options(text):
    """Options named in a --help text, in order, without repeats."""
    seen = []
    for line in text.splitlines():
        for m in OPT.finditer(line):
            if m.group(1) not in seen:
                seen.append(m.group(1))
    return seen


def mentions(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])",
                     text) is not None


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True)


def tool(build, name, man, readme):
    exe = os.path.join(build, name)
    full = run([exe, "--help"])
    short = run([exe, "-h"])
    check(f"{name} --help exits 0 and prints usage",
          full.returncode == 0 and full.stdout.startswith("usage:"),
          f"rc={full.returncode} {full.stderr[:200]}")
    check(f"{name} -h is --help", short.returncode == 0 and
          short.stdout == full.stdout, f"rc={short.returncode} "
          f"{short.stderr[:200]}")
    opts = help_options(full.stdout)
    check(f"{name} --help names options", len(opts) >= 10, str(opts))
    page = man_text(man)
    missing_man = [o for o in opts if not mentions(page, o)]
    missing_readme = [o for o in opts if not mentions(readme, o)]
    check(f"every {name} option is in {man} ({len(opts)})",
          not missing_man, " ".join(missing_man))
    check(f"every {name} option is in README.md", not missing_readme,
          " ".join(missing_readme))
    return full.stdout


def output_kinds():
    """The spec column of the first table of docs/outputs.md."""
    kinds = []
    rows = False
    for line in read("docs/outputs.md").splitlines():
        if line.startswith("| spec |"):
            rows = True
            continue
        if rows and line.startswith("|---"):
            continue
        if rows and not line.startswith("|"):
            break
        if rows:
            for spec in re.findall(r"`([^`]+)`", line.split("|")[1]):
                kinds.append(re.match(r"[a-z0-9+]+", spec).group(0))
    return kinds


def config_keys(path="src/config/conf.c"):
    """Key names of the keys[] table in path (ACTION(...) rows too)."""
    src = read(path)
    table = src[src.index("keys[] = {"):]
    table = table[:table.index("\n};")]
    return re.findall(r"(?:\.name = |ACTION\()\"([a-z0-9_]+\*?)\"", table)


def main():
    vigild = vtest.vigild_path()
    build = os.path.dirname(vigild)
    readme = read("README.md")
    vhelp = tool(build, "vigild", "docs/vigild.8", readme)
    tool(build, "vigilctl", "docs/vigilctl.8", readme)

    kinds = output_kinds()
    check("docs/outputs.md lists output kinds", len(kinds) >= 5, str(kinds))
    page = man_text("docs/vigild.8")
    check("every output kind of docs/outputs.md is in vigild --help",
          all(mentions(vhelp, k) for k in kinds),
          " ".join(k for k in kinds if not mentions(vhelp, k)))
    check("every output kind of docs/outputs.md is in vigild(8)",
          all(mentions(page, k) for k in kinds),
          " ".join(k for k in kinds if not mentions(page, k)))

    keys = config_keys()
    conf5 = man_text("docs/vigild.conf.5")
    confmd = read("docs/vigild.conf.md")
    check("src/config/conf.c has keys", len(keys) >= 10, str(keys))
    check("every vigild.conf key is in vigild.conf(5)",
          all(mentions(conf5, k) for k in keys),
          " ".join(k for k in keys if not mentions(conf5, k)))
    check("every vigild.conf key is in docs/vigild.conf.md",
          all(mentions(confmd, "`" + k + "`") for k in keys),
          " ".join(k for k in keys if "`" + k + "`" not in confmd))

    adc = config_keys("src/auditd/auditd_conf.c")
    dropin = read("docs/dropin.md")
    check("src/auditd/auditd_conf.c has keys", len(adc) >= 40, str(adc))
    missing = [k for k in adc if not re.search(
        r"(?<![a-z0-9_])" + re.escape(k) + r"(?![a-z0-9_])", dropin)]
    check("every auditd.conf key is in docs/dropin.md", not missing,
          " ".join(missing))

    plug = config_keys("src/auditd/plugins_conf.c")
    rows = [l.split("|")[1].strip() for l in
            read("docs/plugins.md").splitlines() if l.startswith("| ")]
    check("src/auditd/plugins_conf.c has keys", len(plug) >= 6, str(plug))
    missing = [k for k in plug if k not in rows]
    check("every plugins.d key is a row of docs/plugins.md's key table",
          not missing, " ".join(missing))

    cmake = read("CMakeLists.txt")
    pages = sorted(f for f in os.listdir(os.path.join(SRC, "docs"))
                   if re.search(r"\.[1-8]$", f))
    check("man pages in docs/", {"vigild.8", "vigilctl.8",
                                 "vigild.conf.5"} <= set(pages), str(pages))
    for p in pages:
        check(f"docs/{p} is installed", "docs/" + p in cmake)
        if shutil.which("groff"):
            r = run(["groff", "-man", "-ww", "-z",
                     os.path.join(SRC, "docs", p)])
            check(f"docs/{p} formats without warnings",
                  r.returncode == 0 and not r.stderr, r.stderr[:300])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
