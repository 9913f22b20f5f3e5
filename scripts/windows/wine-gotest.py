#!/usr/bin/env python3
"""Reads `go test -json` of test binaries run under Wine; prints one line per
package and the output of every test that really failed; exits 1 if any did.

Wine 8 lacks NtSetInformationFile(FileDispositionInformationEx), which Go
1.26's os.RemoveAll uses on Windows, and answers STATUS_NOT_IMPLEMENTED,
which Go does not fall back from: every t.TempDir() cleanup then reports
"TempDir RemoveAll cleanup: unlinkat ...: Invalid function." (os.Remove,
which the product uses, works). A test whose only complaint is that line has
passed on Windows' terms; it is counted apart, and nothing else is forgiven.
The product itself never calls os.RemoveAll (test-windows.sh checks).
"""
import json
import re
import sys

WINE_GAP = re.compile(r"TempDir RemoveAll cleanup: unlinkat .*: Invalid function\.")
NOISE = re.compile(r"^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP)|PASS$|FAIL$|ok\s|FAIL\s)")

outputs = {}   # (pkg, test) -> [lines]
real = {}      # (pkg, test) -> bool
counts = {}    # pkg -> [passed, forgiven, failed, skipped]
pkg_out = {}   # pkg -> [lines] (build errors, panics outside tests)
pkg_fail = set()


def children(pkg, test):
    prefix = test + "/"
    return [k for k in real if k[0] == pkg and k[1].startswith(prefix) and "/" not in k[1][len(prefix):]]


for line in sys.stdin:
    line = line.strip()
    if not line.startswith("{"):
        print(line)
        continue
    ev = json.loads(line)
    pkg, test, action = ev.get("Package", ""), ev.get("Test"), ev.get("Action")
    c = counts.setdefault(pkg, [0, 0, 0, 0])
    if action == "output":
        (outputs.setdefault((pkg, test), []) if test else pkg_out.setdefault(pkg, [])).append(ev["Output"])
        continue
    if not test:
        if action == "fail":
            pkg_fail.add(pkg)
        continue
    key = (pkg, test)
    if action == "pass":
        real[key] = False
        if "/" not in test:
            c[0] += 1
    elif action == "skip":
        real[key] = False
        if "/" not in test:
            c[3] += 1
    elif action == "fail":
        own = [l for l in outputs.get(key, []) if not NOISE.match(l) and not WINE_GAP.search(l) and l.strip()]
        failed = bool(own) or any(real[k] for k in children(pkg, test))
        real[key] = failed
        if "/" not in test:
            if failed:
                c[2] += 1
            else:
                c[1] += 1

bad = False
for pkg in sorted(counts):
    passed, forgiven, failed, skipped = counts[pkg]
    total = passed + forgiven + failed + skipped
    # A package that failed with no test failing for real failed outside the
    # tests (a build error, a panic in TestMain, a timeout).
    broken = pkg in pkg_fail and failed == 0 and total == 0
    if failed or broken:
        bad = True
        print(f"FAIL {pkg}: {failed} de {total} pruebas fallaron bajo Wine")
        for key in sorted(k for k, v in real.items() if v and k[0] == pkg and "/" not in k[1]):
            print("".join(l for l in outputs.get(key, []) if not WINE_GAP.search(l)), end="")
        if broken:
            print("".join(pkg_out.get(pkg, [])), end="")
    else:
        extra = f", {forgiven} solo al borrar su carpeta temporal (falta de Wine 8)" if forgiven else ""
        print(f"ok   {pkg}: {passed + forgiven} pruebas pasaron{extra}, {skipped} omitidas")
for pkg in sorted(pkg_fail - set(counts)):
    bad = True
    print(f"FAIL {pkg}:\n" + "".join(pkg_out.get(pkg, [])))
sys.exit(1 if bad else 0)
