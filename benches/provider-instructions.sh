#!/usr/bin/env bash
# Instructions (valgrind callgrind, repeatable whatever the machine's load) that one
# `bench-harness once` process spends verifying each benchmark case, with core's ring provider
# and with the pure-Rust one (feature `rustcrypto`), and their ratio.
#
#   bash benches/provider-instructions.sh        (needs valgrind; builds both harnesses)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
out=${PROVIDER_BENCH_DIR:-target/provider-bench}
cargo build --quiet --locked --profile bench -p edgeverify-benches --bin bench-harness \
  --target-dir "$out/ring"
cargo build --quiet --locked --profile bench -p edgeverify-benches --bin bench-harness \
  --no-default-features --features rustcrypto --target-dir "$out/rustcrypto"
data=core/tests/data/sigstore-conformance
id='https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main'
issuer=https://token.actions.githubusercontent.com
echo "| case | ring | rustcrypto | rustcrypto ÷ ring |"
echo "|---|---|---|---|"
for case in happy-path-v0.1 happy-path-v0.3 happy-path-intoto-in-dsse-v3 rekor2-happy-path; do
  root=core/trust/production.trusted_root.json
  [ -f "$data/$case/trusted_root.json" ] && root="$data/$case/trusted_root.json"
  declare -A n=()
  for provider in ring rustcrypto; do
    harness="$out/$provider/release/bench-harness"
    args=(once 1 "$root" "$data/$case/bundle.sigstore.json" "$data/a.txt" "$id" "$issuer")
    "$harness" "${args[@]}" || { echo "$case does not verify with $provider" >&2; exit 1; }
    n[$provider]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$harness" "${args[@]}" 2>&1 |
      awk '/refs:/ {gsub(",", "", $NF); print $NF}')
  done
  awk -v c="$case" -v r="${n[ring]}" -v p="${n[rustcrypto]}" \
    'BEGIN { printf "| %s | %d | %d | **%.2f** |\n", c, r, p, p / r }'
done
