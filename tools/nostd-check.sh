#!/usr/bin/env bash
# tools/nostd-check.sh — prove edgeverify-core and its whole dependency graph are no_std + alloc.
#
#   bash tools/nostd-check.sh                host check (rustup's cargo; seconds)
#   bash tools/nostd-check.sh --canary       the same with a canary that turns `std` on in a
#                                            dependency: it must FAIL, showing the check works
#   bash tools/nostd-check.sh TARGET [ARGS]  bare-metal check with Debian's rustc-web and
#                                            -Z build-std=core,alloc (tools/cross/setup.sh
#                                            installs it, and clang for ring's C code)
#   bash tools/nostd-check.sh thumbv7em-none-eabihf --no-default-features --features rustcrypto
#                                            Cortex-M4F, with core's pure-Rust crypto provider
#                                            (ring does not build there)
#
# nostd-check/ is its own workspace: a #![no_std] staticlib with its own #[panic_handler] and
# #[global_allocator] that calls core's public API. With `std` anywhere in the graph:
#   host:       error[E0152]: found duplicate lang item `panic_impl`
#   bare metal: error[E0463]: can't find crate for `std`
# Its Cargo.lock is committed; `--locked` fails if core's dependencies moved without it
# (refresh: cp Cargo.lock nostd-check/ && cargo check --manifest-path nostd-check/Cargo.toml).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root/nostd-check" || exit 2
TARGET=${1:-}; [ $# -gt 0 ] && shift
case "$TARGET" in
  "")
    echo "== no_std host check ($(cargo -V))"
    cargo check --locked "$@"; rc=$? ;;
  --canary)
    echo "== no_std canary: serde_json/std turned on; the check must fail"
    out=$(cargo check --locked --features canary-serde-std "$@" 2>&1)
    if grep -q "E0152" <<<"$out"; then echo "canary caught (E0152 duplicate lang item panic_impl)"; rc=0
    else echo "$out" | tail -20; echo "canary NOT caught: the no_std check is broken"; rc=1; fi ;;
  *)
    [ -x /usr/bin/rustc ] || { echo "needs Debian rustc-web + rust-web-src (tools/cross/setup.sh)" >&2; exit 2; }
    # `check`, not `build`: the proof is that every crate type-checks against a sysroot with
    # only core and alloc (E0463 otherwise), and build scripts still run, so ring's C code is
    # compiled by clang for the target. A release build added only LLVM code generation of a
    # staticlib that nothing links (measured: ~165 s of CPU for thumbv7em against ~90 s).
    # NOSTD_BUILD=1 builds the release staticlib instead, to see its size.
    mode=(check); [ "${NOSTD_BUILD:-0}" = 1 ] && mode=(build --release)
    echo "== no_std bare-metal ${mode[0]}: $TARGET ($(/usr/bin/rustc -V))"
    RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
      /usr/bin/cargo "${mode[@]}" --locked -Z build-std=core,alloc --target "$TARGET" \
      --target-dir "$root/target/nostd" "$@"; rc=$?
    lib="$root/target/nostd/$TARGET/release/libedgeverify_nostd_check.a"
    [ $rc -eq 0 ] && [ "${mode[0]}" = build ] && [ -f "$lib" ] && echo "   $(stat -c %s "$lib") bytes: $lib" ;;
esac
[ $rc -eq 0 ] && echo "== no_std check OK${TARGET:+ ($TARGET)}" || echo "== no_std check FAILED${TARGET:+ ($TARGET)} (rc=$rc)"
exit $rc
