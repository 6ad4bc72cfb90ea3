#!/usr/bin/env bash
# no_std proof: edgeverify-core's whole graph builds without std (host check, a canary that
# must be caught, a bare-metal RISC-V check with ring's C code compiled by clang, and a
# Cortex-M4F check with the pure-Rust crypto provider, where ring does not build).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
bash tools/nostd-check.sh
bash tools/nostd-check.sh --canary
eval "$(bash tools/cross/setup.sh)"   # Debian rustc-web + rust-web-src + clang (idempotent)
bash tools/nostd-check.sh riscv32imac-unknown-none-elf
bash tools/nostd-check.sh thumbv7em-none-eabihf --no-default-features --features rustcrypto
echo "no_std step took $((SECONDS - t0)) s"
