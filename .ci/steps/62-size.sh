#!/usr/bin/env bash
# Size budget: stripped dist `edgeverify` ≤ 2 MiB on x86_64 and aarch64 (fails above).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
eval "$(bash tools/cross/setup.sh)"
bash tools/size-check.sh aarch64-unknown-linux-gnu
echo "size step took $((SECONDS - t0)) s"
