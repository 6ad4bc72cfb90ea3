#!/usr/bin/env bash
# benches/compare/compare.sh — edgeverify beside the verifiers a user would otherwise pick,
# offline, on the same conformance cases, same machine, same run.
#
#   bash benches/compare/compare.sh [--quick] [--native-only]   (COMPARE_DIR=DIR reuses a work folder;
#   EDGEVERIFY_BIN=PATH measures another build of the CLI, e.g. the static musl one)
#
# --native-only: edgeverify and sigstore-rust only (no Python venv or npm install).
#
# Everything for the peers is built or installed in a temporary folder (never in the
# workspace; the peers are never a dependency of edgeverify):
#   sigstore-rust    crates.io sigstore-verify 0.15.1, a tiny harness crate built there
#   sigstore-python  PyPI sigstore 4.5.1 in a venv, driven through its API
#   sigstore-js      npm @sigstore/verify 3.1.1 (+ @sigstore/bundle, @sigstore/protobuf-specs)
# Each harness (peers/*) follows one protocol: `once` verifies one bundle (exit code is the
# verdict), `warm` loads the trust root once and times N parse+verify rounds in-process.
# Needs: cargo, python3 (venv), node + npm, /usr/bin/time; the registries crates.io, PyPI, npm.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/benches/compare"
WORK=${COMPARE_DIR:-$(mktemp -d -t edgeverify-compare.XXXXXX)}
mkdir -p "$WORK"
echo "== work folder: $WORK" >&2
cd "$root"

echo "== building edgeverify (dist profile)" >&2
cargo build --quiet --locked --profile dist -p edgeverify-agent
cargo build --quiet --locked --profile dist -p edgeverify-benches --bin bench-harness

echo "== building sigstore-rust harness (sigstore-verify 0.15.1)" >&2
mkdir -p "$WORK/sigstore-rust/src"
cp "$here/peers/sigstore-rust/Cargo.toml.in" "$WORK/sigstore-rust/Cargo.toml"
cp "$here/peers/sigstore-rust/main.rs" "$WORK/sigstore-rust/src/main.rs"
cargo build --quiet --release --manifest-path "$WORK/sigstore-rust/Cargo.toml"

native_only=0
for a in "$@"; do [ "$a" = --native-only ] && native_only=1; done
if [ "$native_only" = 0 ]; then
echo "== installing sigstore-python 4.5.1" >&2
[ -x "$WORK/py/bin/python" ] || python3 -m venv "$WORK/py"
"$WORK/py/bin/pip" install --quiet --disable-pip-version-check 'sigstore==4.5.1'

echo "== installing @sigstore/verify 3.1.1" >&2
mkdir -p "$WORK/js"
cp "$here/peers/sigstore-js/harness.js" "$WORK/js/"
( cd "$WORK/js" && [ -f package.json ] || npm init -y >/dev/null
  cd "$WORK/js" && npm install --silent --no-audit --no-fund \
    @sigstore/verify@3.1.1 @sigstore/bundle@4.0.0 @sigstore/protobuf-specs@0.5.2 )
fi

python3 "$here/compare.py" --work "$WORK" "$@"
