#!/usr/bin/env bash
# Miri (undefined-behaviour checker) over core's unit tests: the pure-Rust parsers (encoding,
# checkpoint, SCT list, DSSE/in-toto, PEM, time, policy regexes, X.509 extension decoding, trust
# root and log-entry structure). Tests that need ring (C/assembly) are #[cfg_attr(miri, ignore)];
# the SLSA module's tests are skipped for time (its parser is fuzzed). Runs only where the
# nightly `miri` component is installed. Also the FFI crate's pure helpers.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! cargo +nightly miri --version >/dev/null 2>&1; then
  echo "miri: SKIPPED (no nightly toolchain with the miri component)"
  exit 0
fi
start=$SECONDS
cargo +nightly miri test -p edgeverify-core --lib --locked -- --skip slsa::
# The C API's result-code tables, message truncation and panic boundary (catch_unwind). The
# header tests read files, which Miri's isolation forbids.
cargo +nightly miri test -p edgeverify-ffi --lib --locked -- error:: panic::
echo "miri: done in $((SECONDS - start))s"
