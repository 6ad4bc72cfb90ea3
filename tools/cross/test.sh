#!/usr/bin/env bash
# tools/cross/test.sh — build and run this workspace's tests for aarch64 and armv7 under
# qemu-user, with Debian's rustc-web (tools/cross/setup.sh installs it).
#
#   bash tools/cross/test.sh [-t TARGET]... [-- CARGO TEST ARGS]
#     -t TARGET  aarch64-unknown-linux-gnu and/or armv7-unknown-linux-gnueabihf (default both)
#     --         passed to `cargo test` (default: --profile qemu -p edgeverify-core -p edgeverify-ffi
#                -p edgeverify-agent --locked)
#
# Env: CROSS_TARGET_DIR (default target/cross): per-std-mode subdirectories, kept apart from
#      rustup's target/ (another rustc would rebuild everything) and from each other
#      (switching -Z build-std on and off in one dir rebuilds everything);
#      CROSS_SKIP_SETUP=1 if setup.sh's exports are already in the environment;
#      QEMU_CPU (e.g. cortex-a53, cortex-a72, cortex-a7) is passed through to qemu.
# The agent's CLI tests start the `edgeverify` binary; EDGEVERIFY_TEST_RUNNER makes them
# start it through qemu (the host kernel cannot run a foreign binary without binfmt_misc).
# Exit status is non-zero if any target failed to build or any test failed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t) TARGETS+=("$2"); shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)
EXTRA=("$@")
[ ${#EXTRA[@]} -eq 0 ] && EXTRA=(--profile qemu -p edgeverify-core -p edgeverify-ffi -p edgeverify-agent --locked)

if [ "${CROSS_SKIP_SETUP:-0}" != 1 ]; then
  env_out=$(bash "$here/setup.sh") || { echo "tools/cross/setup.sh failed" >&2; exit 1; }
  eval "$env_out"
fi
: "${CROSS_CARGO:?run tools/cross/setup.sh first}"

cd "$root" || exit 2
TD=${CROSS_TARGET_DIR:-$root/target/cross}
echo "== cross-test: $("$CROSS_RUSTC" -V) | $("$CROSS_CARGO" -V) | $(qemu-aarch64 --version | head -1)"
declare -A RESULT
rc_all=0
for T in "${TARGETS[@]}"; do
  mode_var="CROSS_STD_${T//-/_}"
  mode=${!mode_var:-build-std}
  runner_var="CARGO_TARGET_$(echo "${T//-/_}" | tr '[:lower:]' '[:upper:]')_RUNNER"
  zflags=()
  # The runner by absolute path: some tests give the child process its own PATH.
  runner=${!runner_var:-}
  [ -n "$runner" ] && runner="$(command -v "${runner%% *}")${runner#"${runner%% *}"}"
  envs=(RUSTC="$CROSS_RUSTC" RUSTDOC="$CROSS_RUSTDOC" EDGEVERIFY_TEST_RUNNER="$runner")
  if [ "$mode" = build-std ]; then
    zflags=(-Z build-std)       # std for the target from Debian's rust-web-src
    envs+=(RUSTC_BOOTSTRAP=1)
  fi
  echo "== [$T] std=$mode runner='$runner': cargo test --target $T ${zflags[*]} ${EXTRA[*]}"
  t0=$(date +%s)
  # Build first, without a time limit (compile time depends on the machine's load); the limit
  # (CROSS_TIMEOUT, default 1800 s) guards the test run against a hang under emulation.
  cargo_args=()
  for a in "${EXTRA[@]}"; do [ "$a" = -- ] && break; cargo_args+=("$a"); done
  env "${envs[@]}" "$CROSS_CARGO" test --target "$T" --target-dir "$TD/$mode" "${zflags[@]}" \
    "${cargo_args[@]}" --no-run
  rc=$?
  if [ $rc -eq 0 ]; then
    t1=$(date +%s)
    echo "== [$T] built in $((t1 - t0)) s; running the tests under ${runner:-the host}"
    env "${envs[@]}" timeout "${CROSS_TIMEOUT:-1800}" \
      "$CROSS_CARGO" test --target "$T" --target-dir "$TD/$mode" "${zflags[@]}" "${EXTRA[@]}"
    rc=$?
  fi
  RESULT[$T]="rc=$rc ($(( $(date +%s) - t0 )) s, std=$mode)"
  [ $rc -ne 0 ] && rc_all=1
done
echo "== cross-test summary"
for T in "${TARGETS[@]}"; do echo "   $T: ${RESULT[$T]}"; done
exit $rc_all
