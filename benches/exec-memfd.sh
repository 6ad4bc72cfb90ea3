#!/usr/bin/env bash
# What the exec gate's sealed memory copy costs for a big program (issue 14, item 1).
#
# `edgeverify exec` hashes the program and copies it, in the same pass, into a sealed memfd
# that it then executes. This measures, for a 100 MiB program (the sample program followed by
# 100 MiB of random bytes, which the ELF loader ignores), in one run:
#   - wall time of `edgeverify exec` (hash + copy + exec + the program's own run), median of N;
#   - the same file only hashed, by the same binary and code (`verify-bundle`, which streams
#     the file through the same hasher and then fails on the digest): the baseline;
#   - `sha256sum` of the file, for scale;
#   - the memory the copy holds while the program runs: the system's Shmem before and during
#     (a padded `sleep` as the program), and that process's RSS.
# Both programs run under an audit-mode rule (their evidence does not match, the rule logs
# that and allows), which takes the same hash-and-copy path as an allowed program.
#
# Usage: benches/exec-memfd.sh [RUNS]   (default 7; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --release --locked -p edgeverify-agent --bin edgeverify >/dev/null
bin=$PWD/target/release/edgeverify
work=$(mktemp -d /tmp/ev-exec-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/opt"
head -c $((100 * 1024 * 1024)) /dev/urandom >"$work/pad"
cat examples/artifacts/binary-linux-amd64 "$work/pad" >"$work/opt/app"
cat /bin/sleep "$work/pad" >"$work/opt/sleeper"
chmod 0755 "$work/opt/app" "$work/opt/sleeper"
cp examples/artifacts/binary-linux-amd64.intoto.jsonl "$work/opt/app.intoto.jsonl"
cp examples/artifacts/binary-linux-amd64.intoto.jsonl "$work/opt/sleeper.intoto.jsonl"
cat >"$work/policy.toml" <<EOF
[[rule]]
name = "bench"
paths = ["$work/opt/*"]
certificate_identity = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0"
certificate_oidc_issuer = "https://token.actions.githubusercontent.com"
mode = "audit"
EOF
size=$(stat -c %s "$work/opt/app")

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { # command...: wall seconds of one run
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f\n", b-a}'
}
exec_times=() hash_times=() sum_times=()
cat "$work/opt/app" >/dev/null # page cache warm for everyone
for _ in $(seq "$runs"); do
  exec_times+=("$(seconds "$bin" exec --policy "$work/policy.toml" -- "$work/opt/app")")
  hash_times+=("$(seconds "$bin" verify-bundle --bundle "$work/opt/app.intoto.jsonl" \
    --certificate-identity x --certificate-oidc-issuer y "$work/opt/app")")
  sum_times+=("$(seconds sha256sum "$work/opt/app")")
done
e=$(printf '%s\n' "${exec_times[@]}" | median)
h=$(printf '%s\n' "${hash_times[@]}" | median)
s=$(printf '%s\n' "${sum_times[@]}" | median)

shmem() { awk '/^Shmem:/ {print $2}' /proc/meminfo; }
before=$(shmem)
"$bin" exec --policy "$work/policy.toml" -- "$work/opt/sleeper" 3 2>/dev/null &
pid=$!
sleep 1.5
during=$(shmem)
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
exe=$(readlink "/proc/$pid/exe" || true)
wait "$pid" || true

echo "program: $size bytes; $runs runs, median wall time; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '| what | time | ratio to hashing only |\n|---|---|---|\n'
printf '| `edgeverify exec` (hash + sealed copy + exec + program) | %s s | %.2f |\n' "$e" "$(awk -v a="$e" -v b="$h" 'BEGIN{print a/b}')"
printf '| same binary, hashing only (`verify-bundle`, fails on the digest) | %s s | 1.00 |\n' "$h"
printf '| `sha256sum` | %s s | %.2f |\n' "$s" "$(awk -v a="$s" -v b="$h" 'BEGIN{print a/b}')"
echo
echo "memory while the gated program runs: Shmem +$(( (during - before) / 1024 )) MiB (the sealed copy), program RSS $(( rss / 1024 )) MiB, executable: $exe"
