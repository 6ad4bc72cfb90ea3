#!/usr/bin/env bash
# no_std proof: edgeverify-core's whole graph builds without std (host check, a canary that
# must be caught, and a bare-metal RISC-V build with ring's C code compiled by clang).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
bash tools/nostd-check.sh
bash tools/nostd-check.sh --canary
eval "$(bash tools/cross/setup.sh)"   # Debian rustc-web + rust-web-src + clang (idempotent)
bash tools/nostd-check.sh riscv32imac-unknown-none-elf
echo "no_std step took $((SECONDS - t0)) s"
