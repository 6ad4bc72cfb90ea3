#!/usr/bin/env bash
# Cache-hit requests per second of `edgeverify serve`, with an echo-server and a
# full-verification baseline measured in the same run (see src/bin/serve-cache-hit.rs).
# Usage: benches/serve-cache-hit.sh [CLIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p edgeverify-agent -p edgeverify-benches --bin edgeverify --bin serve-cache-hit
exec target/release/serve-cache-hit target/release/edgeverify "${1:-2}" "${2:-5}"
