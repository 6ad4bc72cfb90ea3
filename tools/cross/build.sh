#!/usr/bin/env bash
# tools/cross/build.sh — build the shipped `edgeverify` (profile `dist`: release + panic=abort,
# stripped) for one target, exactly as CI does, and print the binary's path on stdout.
#
#   bash tools/cross/build.sh x86_64-unknown-linux-gnu        rustup's cargo     -> target/dist/
#   bash tools/cross/build.sh aarch64-unknown-linux-gnu       Debian's rustc-web -> target/cross/size/
#   bash tools/cross/build.sh armv7-unknown-linux-gnueabihf   Debian's rustc-web -> target/cross/size/
#   bash tools/cross/build.sh x86_64-unknown-linux-musl       static, non-PIE    -> target/cross/musl/
#
# The cross targets need tools/cross/setup.sh's packages: installed here (as root) when its
# exports are not already in the environment. This is the one recipe for these binaries:
# the size step (tools/size-check.sh), the cross step (.ci/steps/60-cross.sh) and the packaging
# step (.ci/steps/70-deb.sh) all call it with the same target directories, so a later call is a
# cargo no-op rather than a second build.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
T=${1:?usage: tools/cross/build.sh TARGET (x86_64-unknown-linux-gnu, aarch64-unknown-linux-gnu, armv7-unknown-linux-gnueabihf, x86_64-unknown-linux-musl)}
ARGS=(build --quiet --locked --profile dist -p edgeverify-agent)

cross_env() { # setup.sh's exports, unless the caller already has them
  [ -n "${CROSS_CARGO:-}" ] && return 0
  local env_out setup=("$root/tools/cross/setup.sh")
  # As root, install what is missing; otherwise only read the environment (no apt).
  [ "$(id -u)" = 0 ] || setup+=(--print-env)
  env_out=$(bash "${setup[@]}") || { echo "tools/cross/setup.sh failed" >&2; exit 1; }
  eval "$env_out"
}

case "$T" in
  x86_64-unknown-linux-gnu)
    # The host target with rustup's toolchain (the one the tests and the size budget use),
    # linked by its rust-lld with identical code folding (`--icf=all`: identical functions,
    # mostly generic instances, kept once; -23 KiB). Passed through `cargo rustc` so it reaches
    # the final link only, not every crate's fingerprint.
    cargo rustc --quiet --locked --profile dist -p edgeverify-agent --bin edgeverify \
      -- -C link-arg=-Wl,--icf=all >&2
    bin=target/dist/edgeverify
    ;;
  aarch64-unknown-linux-gnu | armv7-unknown-linux-gnueabihf)
    cross_env
    envs=(RUSTC="$CROSS_RUSTC")
    zflags=()
    mode_var="CROSS_STD_${T//-/_}"
    if [ "${!mode_var:-build-std}" = build-std ]; then
      # shellcheck disable=SC2054 # "std,panic_abort" is one argument
      zflags=(-Z build-std=std,panic_abort)
      envs+=(RUSTC_BOOTSTRAP=1)
    fi
    env "${envs[@]}" "$CROSS_CARGO" "${ARGS[@]}" --target "$T" --target-dir target/cross/size \
      "${zflags[@]}" >&2
    bin=target/cross/size/$T/dist/edgeverify
    ;;
  x86_64-unknown-linux-musl)
    # Debian has no prebuilt musl std for rustc-web, so std is built from rust-web-src.
    # Debian's musl-tools has no rcrt1.o (static-pie) and rustc's self-contained CRT objects are
    # not shipped, so: link with musl-gcc (its own CRT objects), non-PIE static, and LLVM's
    # libunwind from libunwind-14-dev (std's unwind crate links -lunwind on musl even with
    # panic=abort).
    cross_env
    RUSTFLAGS="-C link-self-contained=no -C relocation-model=static -L native=/usr/lib/llvm-14/lib" \
      RUSTC="$CROSS_RUSTC" RUSTC_BOOTSTRAP=1 CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
      "$CROSS_CARGO" "${ARGS[@]}" --target "$T" --target-dir target/cross/musl \
      -Z build-std=std,panic_abort >&2
    bin=target/cross/musl/$T/dist/edgeverify
    if readelf -l "$bin" | grep -q "program interpreter"; then
      echo "$bin is not static" >&2
      exit 1
    fi
    ;;
  *)
    echo "unsupported target: $T" >&2
    exit 2
    ;;
esac
echo "$bin"
