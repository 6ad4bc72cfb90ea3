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
args = ap.parse_args()
W = Path(args.work)
EV = ROOT / "target/dist/edgeverify"


def case_args(dir_name):
    d = DATA / dir_name
    root = d / "trusted_root.json"
    read = lambda f, default: (d / f).read_text().strip() if (d / f).exists() else default
    art = d / "artifact" if (d / "artifact").exists() else DATA / "a.txt"
    return [str(root if root.exists() else PROD_ROOT), str(d / "bundle.sigstore.json"), str(art),
            read("identity", IDENTITY), read("issuer", ISSUER)]


def edgeverify_cli(dir_name):
    root, bundle, art, ident, iss = case_args(dir_name)
    return [str(EV), "verify-bundle", "--bundle", bundle, "--certificate-identity", ident,
            "--certificate-oidc-issuer", iss, "--trusted-root", root, art]


PEERS = {
    "edgeverify": {
        "once": edgeverify_cli,
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
native = {"edgeverify", "sigstore-rust"}
runs_once = lambda p: (5 if args.quick else 21) if p in native else (3 if args.quick else 7)
warm_n = lambda p: (50 if args.quick else 300) if p in native else (10 if args.quick else 40)


def timed_run(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, r.returncode


def peak_rss_kib(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return int(m.group(1))


def du_bytes(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


results = {p: {} for p in PEERS}
for p, spec in PEERS.items():
    for label, d in TIMED:
        once = [timed_run(spec["once"](d)) for _ in range(runs_once(p))]
        codes = {c for _, c in once}
        assert codes == {0}, f"{p} {d}: exit codes {codes}"
        out = subprocess.run(spec["warm"](d, warm_n(p)), capture_output=True, text=True, check=True).stdout
        warm_us = float(re.search(r"median_us=([\d.]+)", out).group(1))
        results[p][label] = {
            "once_ms": statistics.median(t for t, _ in once) * 1e3,
            "warm_us": warm_us,
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
        _, code = timed_run(spec["once"](d))
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


ratio_table("#### Whole process (median wall time per verification, one process each)\n",
            "once_ms", lambda v: f"{v:.1f} ms")
ratio_table("\n#### Warm, in-process (trust root loaded once; median parse + verify)\n",
            "warm_us", lambda v: f"{v / 1000:.3f} ms")
ratio_table("\n#### Peak RSS of one verification process (`/usr/bin/time -v`)\n",
            "rss_kib", lambda v: f"{v / 1024:.1f} MiB")
print("\n#### Size on disk\n")
ev = EV.stat().st_size
sr = PEERS[base]["size"].stat().st_size
print("| verifier | size | ratio to sigstore-rust |")
print("|---|---|---|")
print(f"| edgeverify (`edgeverify` CLI, dist profile, stripped) | {ev / 2**20:.2f} MiB | {ev / sr:.2f}× |")
print(f"| sigstore-rust (harness binary, release, stripped) | {sr / 2**20:.2f} MiB | 1.00× |")
print(f"| sigstore-python (venv site-packages) | {du_bytes(next((W / 'py/lib').glob('python3*/site-packages'))) / 2**20:.1f} MiB | |")
print(f"| sigstore-js (node_modules, plus the node runtime) | {du_bytes(W / 'js/node_modules') / 2**20:.1f} MiB | |")
print(f"\n#### Verdicts on the {len(cases)} certificate-signed conformance cases\n")
print("| verifier | as expected | differing cases |")
print("|---|---|---|")
for p in PEERS:
    print(f"| {p} | {verdicts[p]} / {len(cases)} | {', '.join(disagreements[p]) or '–'} |")
