#!/usr/bin/env bash
# A 1 GiB artifact (issue 17): edgeverify's throughput and memory against `openssl dgst -sha256`
# on the same page-cached file, in one run; and, when its harness is built, sigstore-rust's.
#
# The artifact and its bundle come from the test instance (tools/testinstance: scenario
# v0.3-hashedrekord, content generated while it is hashed, written to the work folder), so the
# whole verification runs: Rekor v1 entry, certificate chain, SCT, signature over the digest.
#
# Usage: benches/large-artifact.sh [RUNS] [SIZE]   (default 5, 1G; release builds)
#   COMPARE_DIR=DIR: a work folder of benches/compare/compare.sh, to add sigstore-rust.
# Needs: /usr/bin/time (GNU), openssl, about SIZE of free space in /tmp.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
size=${2:-1G}
cargo build --quiet --release --locked -p edgeverify-agent --bin edgeverify
cargo build --quiet --release --locked -p edgeverify-testinstance
work=$(mktemp -d /tmp/ev-large.XXXXXX)
trap 'rm -rf "$work"' EXIT
target/release/edgeverify-testinstance gen --scenario v0.3-hashedrekord --artifact-size "$size" \
  --out "$work" >/dev/null
id=$(cat "$work/identity") iss=$(cat "$work/issuer")
bytes=$(stat -c %s "$work/artifact")
cat "$work/artifact" >/dev/null # page-cached for every contender

# median_of CMD...: prints "<median wall s> <max RSS KiB of that run>"
median_of() {
  local i
  for i in $(seq "$runs"); do
    /usr/bin/time -o "$work/time" -f '%e %M' "$@" >/dev/null 2>&1
    cat "$work/time"
  done | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
ours=$(median_of target/release/edgeverify verify-bundle --trusted-root "$work/trusted_root.json" \
  --bundle "$work/bundle.sigstore.json" --certificate-identity "$id" \
  --certificate-oidc-issuer "$iss" "$work/artifact")
# Exits 0, or the figures mean nothing.
target/release/edgeverify verify-bundle --trusted-root "$work/trusted_root.json" \
  --bundle "$work/bundle.sigstore.json" --certificate-identity "$id" \
  --certificate-oidc-issuer "$iss" "$work/artifact" >/dev/null 2>&1
openssl_=$(median_of openssl dgst -sha256 "$work/artifact")
sha256sum_=$(median_of sha256sum "$work/artifact")
rows=("edgeverify verify-bundle|$ours" "openssl dgst -sha256|$openssl_" "sha256sum|$sha256sum_")
peer=${COMPARE_DIR:-}/sigstore-rust/target/release/sigstore-rust-harness
if [ -n "${COMPARE_DIR:-}" ] && [ -x "$peer" ]; then
  rows+=("sigstore-rust (sigstore-verify 0.15.1)|$(median_of "$peer" once 1 "$work/trusted_root.json" \
    "$work/bundle.sigstore.json" "$work/artifact" "$id" "$iss")")
fi
base=${openssl_%% *}
echo "artifact: $bytes bytes, page-cached; $runs runs, median wall time; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "| what | wall | MiB/s | throughput ÷ openssl | peak RSS |"
echo "|---|---|---|---|---|"
for row in "${rows[@]}"; do
  name=${row%%|*} figures=${row#*|}
  wall=${figures%% *} rss=${figures##* }
  awk -v n="$name" -v w="$wall" -v b="$base" -v s="$bytes" -v r="$rss" 'BEGIN {
    printf "| %s | %.2f s | %.0f | %.2f | %.1f MiB |\n", n, w, s / 1048576 / w, b / w, r / 1024 }'
done
