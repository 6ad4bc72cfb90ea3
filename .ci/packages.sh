#!/usr/bin/env bash
# Every Debian package the CI steps use, and the cargo-installed tools (.ci/tools.sh), installed
# once in the background at the start (see .ci/run), so that steps running side by side never
# contend for apt's locks. Each step still installs
# what it misses when run on its own; here they find everything present. Needs root (CI is).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
if [ "$(id -u)" != 0 ]; then
  echo "packages: not root, nothing installed (steps install what they need, or skip)"
  bash .ci/tools.sh install
  exit 0
fi
missing=()
have() { command -v "$1" >/dev/null; }
have cc || missing+=(gcc)
have valgrind || missing+=(valgrind)
have pkg-config || missing+=(pkg-config)
have go || missing+=(golang-go)
have systemd-analyze || missing+=(systemd)
have python3 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q -o DPkg::Lock::Timeout=900 update >/dev/null
  apt-get -q -o DPkg::Lock::Timeout=900 install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
# The cross toolchain (Debian rustc-web, qemu-user, cross gcc, musl): idempotent.
bash tools/cross/setup.sh >/dev/null
echo "packages ready in $((SECONDS - t0)) s${missing[*]:+ (installed: ${missing[*]})}"
# The cargo-installed tools (cbindgen, cargo-deny): compiled here, beside the first steps.
t0=$SECONDS
bash .ci/tools.sh install
echo "tools ready in $((SECONDS - t0)) s"
