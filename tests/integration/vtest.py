# SPDX-License-Identifier: GPL-2.0-or-later
"""vtest.py: small helpers shared by the integration tests, none of them
about the kernel (kernel_guard.py has those): a pass/fail counter that
prints one line a check and the summary, a poll with a deadline, the
vigild under test, skip (exit 77). Output layouts are the ones the tests
printed before they shared this, so their logs read the same."""
import json
import os
import sys
import time

SKIP = 77


def skip(msg):
    """Prints 'SKIP: msg' and exits 77 (ctest: skipped)."""
    print(f"SKIP: {msg}")
    sys.exit(SKIP)


def vigild_path(default_build=None):
    """BUILD_DIR/vigild, BUILD_DIR being argv[1]. Without argv[1]:
    default_build if given, else a usage line and exit 2. Skips (77) when
    vigild is not built."""
    if len(sys.argv) > 1:
        build = sys.argv[1]
    elif default_build is not None:
        build = default_build
    else:
        print(f"usage: {os.path.basename(sys.argv[0])} BUILD_DIR")
        sys.exit(2)
    vigild = os.path.join(build, "vigild")
    if not os.access(vigild, os.X_OK):
        skip(f"{vigild} not built")
    return vigild


def wait_for(pred, timeout=5.0, step=0.05):
    """Calls pred every step seconds until it returns something true,
    and returns that; at the deadline returns what a last call gives."""
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def json_events(path):
    """The events of a JSON-lines file a live daemon may be writing:
    complete lines only (a line without its newline is still being
    written); [] if the file is not there yet."""
    out = []
    try:
        with open(path, "rb") as f:
            for line in f:
                if not line.endswith(b"\n"):
                    break
                if line.strip():
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def as_bytes(s):
    """A JSON string back to the bytes vigil decoded (invalid UTF-8 is
    carried as surrogate escapes); anything else as it is."""
    return s.encode("utf-8", "surrogateescape") if isinstance(s, str) \
        else s


# One line a check: (ok, name, detail) -> text, or None to print nothing.
LAYOUTS = {
    # ok   NAME            FAIL NAME DETAIL
    "live": lambda ok, n, d: f"ok   {n}" if ok else f"FAIL {n} {d}",
    # ok   NAME  [DETAIL]  FAIL NAME  [DETAIL]   (detail on both)
    "bracket": lambda ok, n, d: ("ok   " if ok else "FAIL ") + n +
    (f"  [{d}]" if d else ""),
    # ok   NAME            FAIL NAME: DETAIL     (detail when given)
    "colon": lambda ok, n, d: ("ok   " if ok else "FAIL ") + n +
    (": " + d if d and not ok else ""),
    # ok: NAME             FAIL: NAME
    "plain": lambda ok, n, d: ("ok: " if ok else "FAIL: ") + n,
    # (nothing)            FAIL: NAME
    "fails": lambda ok, n, d: None if ok else "FAIL: " + n,
}


class Checks:
    """check = Checks("live"); check(name, ok, detail); ...;
    return check.summary(). A failed check never stops the test.

    known: {name: why} of known bugs: such a check failing counts as
    known and prints XFAIL; passing counts as failed (XPASS) until it is
    taken out. width: cut each ok/FAIL line to that many characters."""

    def __init__(self, layout="live", known=None, width=None):
        self.line = LAYOUTS[layout]
        self.known = known
        self.width = width
        self.passed = 0
        self.failures = []          # names of the failed checks
        self.xfailed = 0

    @property
    def failed(self):
        return len(self.failures)

    def __call__(self, name, ok, detail=""):
        if self.known and name in self.known:
            if ok:
                self.failures.append(name)
                print(f"XPASS {name}: fixed? remove it from KNOWN")
            else:
                self.xfailed += 1
                print(f"XFAIL {name} ({self.known[name]}) {detail}"[:600])
            return bool(ok)
        if ok:
            self.passed += 1
        else:
            self.failures.append(name)
        text = self.line(ok, name, detail)
        if text is not None:
            print(text[:self.width] if self.width else text)
        return bool(ok)

    def summary(self):
        """Prints 'N passed, N failed' (and the XFAIL count when known
        bugs are listed); returns the exit status, 1 if any failed."""
        s = f"{self.passed} passed, {self.failed} failed"
        if self.known is not None:
            s += f", {self.xfailed} known bugs (XFAIL)"
        print(s)
        return 1 if self.failures else 0
