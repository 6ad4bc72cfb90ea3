#!/usr/bin/env bash
# A release (issue 17): N artifacts checked against one provenance should cost one bundle
# verification plus N hashes. One interleaved run of:
#
#   ours, one process   edgeverify verify-artifact --provenance-path P --source-uri S A1 … AN
#                       (the bundle verified once, `VerifiedBundle::for_another_artifact` for
#                       the others: subject match and SLSA policy only)
#   ours, one artifact  the same with A1 only (the fixed cost)
#   ours, N processes   one `verify-artifact` per artifact (what a script calling us per file pays)
#   hashing floor       sha256sum A1 … AN (coreutils; no SHA-NI) and openssl dgst -sha256
#   sigstore-rust       its harness (benches/compare) once per artifact: it verifies one
#                       artifact per bundle verification (COMPARE_DIR must hold a built harness)
#
# The artifacts are N copies of examples/artifacts/binary-linux-amd64 (a real slsa-github-generator
# build output, 1.4 MB) under different names: the provenance names that one binary, and the cost
# per artifact is a hash of its bytes whatever they are. slsa-verifier itself needs the network
# (Rekor), so it is not run.
#
# Usage: benches/release.sh [N] [ROUNDS]   (default 20, 15; dist build of the agent)
# Prints, per contender, the median wall and CPU time (user + system) over ROUNDS, in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
rounds=${2:-15}
cargo build --quiet --locked --profile dist -p edgeverify-agent --bin edgeverify
bin=$PWD/target/dist/edgeverify
provenance=$PWD/examples/artifacts/binary-linux-amd64.intoto.jsonl
identity=https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0
issuer=https://token.actions.githubusercontent.com
root=$PWD/core/trust/production.trusted_root.json
work=$(mktemp -d /tmp/ev-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
artifacts=()
for i in $(seq -w "$n"); do
  cp examples/artifacts/binary-linux-amd64 "$work/binary-$i"
  artifacts+=("$work/binary-$i")
done
cat "${artifacts[@]}" >/dev/null # page-cached for every contender
verify=("$bin" verify-artifact --provenance-path "$provenance"
  --source-uri github.com/slsa-framework/example-package)

peer=""
if [ -n "${COMPARE_DIR:-}" ] && [ -x "$COMPARE_DIR/sigstore-rust/target/release/sigstore-rust-harness" ]; then
  peer=$COMPARE_DIR/sigstore-rust/target/release/sigstore-rust-harness
fi

# Each contender is a shell function; every one must succeed, or its figures mean nothing.
ours_all() { "${verify[@]}" "${artifacts[@]}" 2>/dev/null; }
ours_one() { "${verify[@]}" "${artifacts[0]}" 2>/dev/null; }
ours_per_artifact() { local a; for a in "${artifacts[@]}"; do "${verify[@]}" "$a" 2>/dev/null; done; }
sha256sum_all() { sha256sum "${artifacts[@]}" >/dev/null; }
openssl_all() { openssl dgst -sha256 "${artifacts[@]}" >/dev/null; }
peer_per_artifact() {
  local a
  for a in "${artifacts[@]}"; do "$peer" once 1 "$root" "$provenance" "$a" "$identity" "$issuer"; done
}
contenders=(ours_all ours_one ours_per_artifact sha256sum_all openssl_all)
[ -n "$peer" ] && contenders+=(peer_per_artifact)
export -f "${contenders[@]}"
export bin provenance identity issuer root peer
for c in "${contenders[@]}"; do
  "$c" >/dev/null || { echo "$c failed" >&2; exit 1; }
done

# Interleaved rounds, timed by the parent with wait4: wall from fork to exit, CPU = user + system
# of the contender and every process it waited for (microsecond resolution).
echo "N = $n artifacts of $(stat -c %s "${artifacts[0]}") bytes, $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
python3 - "$rounds" "${contenders[@]}" <<PY
import os, statistics, subprocess, sys, time
rounds, contenders = int(sys.argv[1]), sys.argv[2:]
setup = "artifacts=(${artifacts[*]}); verify=(${verify[*]}); "
wall, cpu = {c: [] for c in contenders}, {c: [] for c in contenders}
for _ in range(rounds):
    for c in contenders:
        start = time.perf_counter()
        p = subprocess.Popen(["bash", "-c", setup + c], stdout=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall[c].append((time.perf_counter() - start) * 1e3)
        cpu[c].append((ru.ru_utime + ru.ru_stime) * 1e3)
        assert os.waitstatus_to_exitcode(status) == 0, c
print("| contender | median wall (ms) | fastest wall (ms) | median CPU (ms) |")
print("|---|---|---|---|")
for c in contenders:
    print(f"| {c} | {statistics.median(wall[c]):.1f} | {min(wall[c]):.1f} | {statistics.median(cpu[c]):.1f} |")
PY
