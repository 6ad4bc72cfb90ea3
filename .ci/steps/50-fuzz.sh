#!/usr/bin/env bash
# Fuzz smoke: when a nightly toolchain is present, build every target in fuzz/ (cargo-fuzz,
# AddressSanitizer) and run each for FUZZ_SECONDS (default 10) from seeds built out of the test
# vectors. Any crash, leak, timeout or forged verification fails the step. The long runs and
# their results are in fuzz/RESULTS.md. 10 s keeps the step near 5 minutes on CI (18 targets,
# all that `cargo fuzz list` names; the build is most of it); it catches a target that no longer
# builds or crashes on its seeds.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-10}
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz smoke: SKIPPED (no nightly toolchain; cargo-fuzz needs one)"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  start=$SECONDS
  cargo +nightly install cargo-fuzz --locked --version 0.13.2
  echo "cargo-fuzz installed in $((SECONDS - start))s"
fi
start=$SECONDS
(cd fuzz && cargo +nightly fuzz build)
echo "fuzz targets built in $((SECONDS - start))s"
python3 fuzz/seeds.py >/dev/null
for target in $(cd fuzz && cargo +nightly fuzz list); do
  # A scratch copy of the seeds: the smoke run must not grow the checked-out tree.
  corpus=$(mktemp -d)
  cp -r "fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
  start=$SECONDS
  if ! (cd fuzz && cargo +nightly fuzz run "$target" "$corpus" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
      >"$corpus.log" 2>&1); then
    tail -n 60 "$corpus.log"
    echo "fuzz smoke: $target FAILED (crash input under fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  echo "fuzz smoke: $target ok: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$corpus.log" | grep -o '[0-9]*$') runs in $((SECONDS - start))s"
  rm -rf "$corpus" "$corpus.log"
done
