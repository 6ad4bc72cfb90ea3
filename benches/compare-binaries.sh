#!/usr/bin/env bash
# Two `edgeverify` builds side by side: whole-process `verify-bundle` wall time, runs of A and B
# interleaved (so machine noise hits both alike), median of ROUNDS each, on happy-path-v0.3
# (Rekor v1) and rekor2-happy-path (Rekor v2 + RFC 3161). For size/speed trade-offs such as
# opt-level "z" (the dist default since issue 16) against "s" (README, Footprint):
#   CARGO_PROFILE_DIST_OPT_LEVEL=s CARGO_TARGET_DIR=/tmp/opts cargo build --profile dist -p edgeverify-agent
#   bash benches/compare-binaries.sh /tmp/opts/dist/edgeverify target/dist/edgeverify 101
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BIN_A BIN_B ROUNDS" >&2; exit 2; }
cd "$(dirname "$0")/.."
A=$(realpath "$1"); B=$(realpath "$2"); N=$3
D=core/tests/data/sigstore-conformance
ID="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
ISS=https://token.actions.githubusercontent.com
run() { # bin case [root]
  local extra=(); [ -n "${3:-}" ] && extra=(--trusted-root "$3")
  "$1" verify-bundle --bundle "$D/$2/bundle.sigstore.json" --certificate-identity "$ID" \
    --certificate-oidc-issuer "$ISS" "${extra[@]}" "$D/a.txt" >/dev/null 2>&1 ||
    { echo "$1 failed to verify $2" >&2; exit 1; }
}
for c in "happy-path-v0.3" "rekor2-happy-path"; do
  root=""; [ -f $D/$c/trusted_root.json ] && root=$D/$c/trusted_root.json
  ta=(); tb=()
  for i in $(seq $N); do
    s=$(date +%s%N); run "$A" "$c" "$root"; e=$(date +%s%N); ta+=($(( (e-s)/1000 )))
    s=$(date +%s%N); run "$B" "$c" "$root"; e=$(date +%s%N); tb+=($(( (e-s)/1000 )))
  done
  ma=$(printf '%s\n' "${ta[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  mb=$(printf '%s\n' "${tb[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  echo "$c: A median ${ma} us, B median ${mb} us, B/A $(awk -v a=$ma -v b=$mb 'BEGIN{printf "%.2f", b/a}')"
done
