"""Runs edgeverify and the peers (see compare.sh) on the same conformance cases and prints
Markdown: whole-process time, warm in-process time, peak RSS, binary size, and verdicts, each
as a ratio against sigstore-rust measured in the same run."""
import argparse
import os
import platform
import re
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "core/tests/data/sigstore-conformance"
PROD_ROOT = ROOT / "core/trust/production.trusted_root.json"
IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
ISSUER = "https://token.actions.githubusercontent.com"
TIMED = [("v0.1", "happy-path-v0.1"), ("v0.3", "happy-path-v0.3"),
         ("dsse", "happy-path-intoto-in-dsse-v3"), ("rekor-v2", "rekor2-happy-path")]

ap = argparse.ArgumentParser()
ap.add_argument("--work", required=True)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--native-only", action="store_true",
                help="edgeverify and sigstore-rust only (skip the Python and Node peers)")
args = ap.parse_args()
W = Path(args.work)
# EDGEVERIFY_BIN: another build of the CLI to measure, e.g. the static musl one
# (`bash tools/cross/build.sh x86_64-unknown-linux-musl` prints its path).
EV = Path(os.environ.get("EDGEVERIFY_BIN", ROOT / "target/dist/edgeverify"))


def case_args(dir_name):
    d = DATA / dir_name
    root = d / "trusted_root.json"
    read = lambda f, default: (d / f).read_text().strip() if (d / f).exists() else default
    art = d / "artifact" if (d / "artifact").exists() else DATA / "a.txt"
    return [str(root if root.exists() else PROD_ROOT), str(d / "bundle.sigstore.json"), str(art),
            read("identity", IDENTITY), read("issuer", ISSUER)]


def cbor_root(json_root):
    """The compact CBOR form of a trust root (`edgeverify trust-root compile`), in the work
    folder."""
    out = W / "cbor" / (Path(json_root).parent.name + ".cbor")
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(EV), "trust-root", "compile", json_root, str(out)], check=True,
                       stdout=subprocess.DEVNULL)
    return str(out)


def edgeverify_cli(dir_name, root_form="json"):
    """`root_form`: `json` (the case's trusted_root.json given as a file, as to the peers),
    `cbor` (its compiled form) or `embedded` (no --trusted-root: the embedded production root,
    only for cases that use it)."""
    root, bundle, art, ident, iss = case_args(dir_name)
    cmd = [str(EV), "verify-bundle", "--bundle", bundle, "--certificate-identity", ident,
           "--certificate-oidc-issuer", iss]
    if root_form == "cbor":
        cmd += ["--trusted-root", cbor_root(root)]
    elif root_form == "json":
        cmd += ["--trusted-root", root]
    elif root != str(PROD_ROOT):
        return None
    return cmd + [art]


PEERS = {
    "edgeverify": {
        "once": edgeverify_cli,
        "roots": ["embedded", "json", "cbor"],
        "warm": lambda d, n: [str(ROOT / "target/dist/bench-harness"), "warm", str(n)] + case_args(d),
        "size": EV,
    },
    "sigstore-rust": {
        "once": lambda d: [str(W / "sigstore-rust/target/release/sigstore-rust-harness"), "once", "1"] + case_args(d),
        "warm": lambda d, n: [str(W / "sigstore-rust/target/release/sigstore-rust-harness"), "warm", str(n)] + case_args(d),
        "size": W / "sigstore-rust/target/release/sigstore-rust-harness",
    },
    "sigstore-python": {
        "once": lambda d: [str(W / "py/bin/python"), str(ROOT / "benches/compare/peers/sigstore-python/harness.py"), "once", "1"] + case_args(d),
        "warm": lambda d, n: [str(W / "py/bin/python"), str(ROOT / "benches/compare/peers/sigstore-python/harness.py"), "warm", str(n)] + case_args(d),
        "size": None,
    },
    "sigstore-js": {
        "once": lambda d: ["node", str(W / "js/harness.js"), "once", "1"] + case_args(d),
        "warm": lambda d, n: ["node", str(W / "js/harness.js"), "warm", str(n)] + case_args(d),
        "size": None,
    },
}
if args.native_only:
    PEERS = {k: v for k, v in PEERS.items() if k in ("edgeverify", "sigstore-rust")}
native = {"edgeverify", "sigstore-rust"}
runs_once = lambda p: (5 if args.quick else 21) if p in native else (3 if args.quick else 7)
warm_n = lambda p: (50 if args.quick else 300) if p in native else (10 if args.quick else 40)


def timed_run(cmd):
    """Wall time, CPU time (user + system, of the process alone) and exit code."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode


def peak_rss_kib(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return int(m.group(1))


def du_bytes(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def variants(p):
    """(label, command for one case) for each way a verifier is run: edgeverify once per
    trust-root form, the peers once."""
    spec = PEERS[p]
    if "roots" in spec:
        return [(f"{p} ({form} root)", lambda d, form=form: spec["once"](d, form))
                for form in spec["roots"]]
    return [(p, spec["once"])]


# Whole-process runs, interleaved: every round runs each verifier (and each root form) once
# on the case, so that load changes on a shared machine hit all of them alike.
rounds = max(runs_once(p) for p in PEERS)
once_runs = {}
for label, d in TIMED:
    for r in range(rounds):
        for p in PEERS:
            if r >= runs_once(p):
                continue
            for name, make in variants(p):
                cmd = make(d)
                if cmd is None:
                    continue
                wall, cpu, code = timed_run(cmd)
                assert code == 0, f"{name} {d}: exit code {code}"
                once_runs.setdefault((name, label), []).append((wall, cpu))

results = {p: {} for p in PEERS}
for p, spec in PEERS.items():
    for label, d in TIMED:
        out = subprocess.run(spec["warm"](d, warm_n(p)), capture_output=True, text=True, check=True).stdout
        warm_us = float(re.search(r"median_us=([\d.]+)", out).group(1))
        warm_min = re.search(r"min_us=([\d.]+)", out)
        runs = once_runs[(variants(p)[1 if "roots" in spec else 0][0], label)]
        results[p][label] = {
            "once_ms": statistics.median(w for w, _ in runs) * 1e3,
            "warm_us": warm_us,
            "warm_min_us": float(warm_min.group(1)) if warm_min else float("nan"),
            "rss_kib": peak_rss_kib(spec["once"](d)),
        }

# Verdicts on every certificate-signed conformance case (managed-key cases need a key policy,
# which the protocol does not carry).
cases = sorted(p.name for p in DATA.iterdir() if (p / "bundle.sigstore.json").exists() and not (p / "key.pub").exists())
verdicts = {p: 0 for p in PEERS}
disagreements = {p: [] for p in PEERS}
for d in cases:
    expect_pass = not d.endswith("fail")
    for p, spec in PEERS.items():
        _, _, code = timed_run(spec["once"](d))
        if (code == 0) == expect_pass:
            verdicts[p] += 1
        else:
            disagreements[p].append(d)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
      f"load average at the end {os.getloadavg()[0]:.1f}.\n")
base = "sigstore-rust"


def ratio_table(title, key, cell):
    """One row per case, one column per peer: `cell(value)` and the ratio to sigstore-rust."""
    print(title)
    print("| case | " + " | ".join(PEERS) + " |")
    print("|---|" + "---|" * len(PEERS))
    for label, _ in TIMED:
        cells = [f"{cell(results[p][label][key])} ({results[p][label][key] / results[base][label][key]:.2f}×)"
                 for p in PEERS]
        print(f"| {label} | " + " | ".join(cells) + " |")


print("#### Whole process, per trust-root form (one process per verification; rounds interleaved)\n")
print(f"{rounds} rounds per case. Wall: median and fastest; CPU: median user + system time of the "
      "process. Ratios against sigstore-rust (given the same trusted_root.json file) on the "
      "same case.\n")
print("| case | verifier | wall median | wall fastest | CPU median | wall ÷ sigstore-rust (median) | fastest ÷ | CPU ÷ |")
print("|---|---|---|---|---|---|---|---|")
for label, _ in TIMED:
    base_runs = once_runs[(base, label)]
    b_med = statistics.median(w for w, _ in base_runs)
    b_min = min(w for w, _ in base_runs)
    b_cpu = statistics.median(c for _, c in base_runs)
    for (name, lab), runs in once_runs.items():
        if lab != label:
            continue
        med = statistics.median(w for w, _ in runs)
        fastest = min(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {label} | {name} | {med * 1e3:.2f} ms | {fastest * 1e3:.2f} ms | {cpu * 1e3:.2f} ms "
              f"| **{med / b_med:.2f}×** | {fastest / b_min:.2f}× | {cpu / b_cpu:.2f}× |")
print()
print("`edgeverify --version` (process start alone), same rounds count: ", end="")
starts = [timed_run([str(EV), "--version"]) for _ in range(rounds)]
print(f"median {statistics.median(w for w, _, _ in starts) * 1e3:.2f} ms wall, "
      f"{statistics.median(c for _, c, _ in starts) * 1e3:.2f} ms CPU.\n")

ratio_table("#### Whole process (median wall time per verification, one process each; edgeverify given the JSON root)\n",
            "once_ms", lambda v: f"{v:.1f} ms")
ratio_table("\n#### Warm, in-process (trust root loaded once; median parse + verify)\n",
            "warm_us", lambda v: f"{v / 1000:.3f} ms")
ratio_table("\n#### Warm, in-process, fastest round (the least disturbed by other load)\n",
            "warm_min_us", lambda v: f"{v / 1000:.3f} ms")
ratio_table("\n#### Peak RSS of one verification process (`/usr/bin/time -v`)\n",
            "rss_kib", lambda v: f"{v / 1024:.1f} MiB")
print("\n#### Size on disk\n")
ev = EV.stat().st_size
sr = PEERS[base]["size"].stat().st_size
print("| verifier | size | ratio to sigstore-rust |")
print("|---|---|---|")
print(f"| edgeverify (`edgeverify` CLI, dist profile, stripped) | {ev / 2**20:.2f} MiB | {ev / sr:.2f}× |")
print(f"| sigstore-rust (harness binary, release, stripped) | {sr / 2**20:.2f} MiB | 1.00× |")
if "sigstore-python" in PEERS:
    print(f"| sigstore-python (venv site-packages) | {du_bytes(next((W / 'py/lib').glob('python3*/site-packages'))) / 2**20:.1f} MiB | |")
if "sigstore-js" in PEERS:
    print(f"| sigstore-js (node_modules, plus the node runtime) | {du_bytes(W / 'js/node_modules') / 2**20:.1f} MiB | |")
print(f"\n#### Verdicts on the {len(cases)} certificate-signed conformance cases\n")
print("| verifier | as expected | differing cases |")
print("|---|---|---|")
for p in PEERS:
    print(f"| {p} | {verdicts[p]} / {len(cases)} | {', '.join(disagreements[p]) or '–'} |")
