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
  # Without nightly there is no AddressSanitizer and no cargo-fuzz, but the differential
  # targets of core's own ECDSA verifiers against ring (issue 17: they must run in CI) need
  # neither: built on stable with libFuzzer's coverage instrumentation (flags cargo-fuzz
  # passes too; --target keeps them off build scripts), each runs FUZZ_SECONDS from its seeds.
  # Any disagreement with ring aborts the run and fails the step.
  echo "fuzz smoke: no nightly toolchain (cargo-fuzz needs one): the ECDSA differential targets only, on stable"
  start=$SECONDS
  host=$(rustc -vV | sed -n 's/^host: //p')
  RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks" \
    cargo build --quiet --release --locked --manifest-path fuzz/Cargo.toml --target "$host" \
      --target-dir target/fuzz-stable --bin p384_vs_ring --bin p256_vs_ring
  echo "differential targets built in $((SECONDS - start))s"
  python3 fuzz/seeds.py >/dev/null
  for target in p384_vs_ring p256_vs_ring; do
    corpus=$(mktemp -d)
    cp -r "fuzz/corpus/$target/." "$corpus/"
    start=$SECONDS
    if ! "target/fuzz-stable/$host/release/$target" "$corpus" -max_total_time="$secs" \
        -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 >"$corpus.log" 2>&1; then
      tail -n 60 "$corpus.log"
      echo "fuzz smoke: $target FAILED (the crashing input is in the log above)" >&2
      exit 1
    fi
    echo "fuzz smoke: $target ok: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$corpus.log" | grep -o '[0-9]*$') runs in $((SECONDS - start))s"
    rm -rf "$corpus" "$corpus.log"
  done
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
