#!/usr/bin/env bash
# tools/cross/setup.sh — the cross-compilation and qemu-user toolchain, from Debian packages
# only (rustup cannot download targets on the CI machines).
#
#   Toolchain : Debian's rustc-web/cargo-web (/usr/bin/rustc, /usr/bin/cargo; 1.96 in
#               bookworm-security) + rust-web-src (std sources, for -Z build-std)
#   Targets   : aarch64-unknown-linux-gnu (prebuilt std from libstd-rust-web-dev:arm64 when
#               apt has exactly rustc-web's version, else -Z build-std),
#               armv7-unknown-linux-gnueabihf (same rule for armhf),
#               x86_64-unknown-linux-musl (-Z build-std, musl-tools, LLVM libunwind),
#               bare metal (-Z build-std=core,alloc; clang + llvm-ar for ring's C code)
#   Runner    : qemu-user (qemu-aarch64, qemu-arm)
#
# Usage:  eval "$(bash tools/cross/setup.sh)"     install (idempotent) and export the env
#         bash tools/cross/setup.sh --print-env    only print the exports (no apt)
#         CROSS_FORCE_APT=1 bash tools/cross/setup.sh   redo apt even if everything is there
# Progress goes to stderr; stdout carries only `export ...` lines. Needs root for apt.
#
# Adapted from a recipe tested on this project's CI machine kind (Debian 12, x86_64):
#  * bookworm-security's armhf index has been seen broken ("File has unexpected size"):
#    arm64 is added and installed first, armhf is only tried afterwards and removed again
#    if its std cannot be had (a foreign arch with a broken index makes every later
#    `apt-get update` exit 100).
#  * qemu-aarch64 -L /usr/aarch64-linux-gnu hangs in pthread_create when libc6:arm64 is
#    installed (cross ld.so + multiarch libc mismatch): no -L in that case.
set -euo pipefail

log() { echo "[cross-setup] $*" >&2; }
PRINT_ONLY=0
[ "${1:-}" = "--print-env" ] && PRINT_ONLY=1

export DEBIAN_FRONTEND=noninteractive
APT_GET=(apt-get -q -o DPkg::Lock::Timeout=900)
APT_INSTALL=("${APT_GET[@]}" install -y --no-install-recommends)

installed_ver() { dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null | awk '$1=="ii"{print $2}'; }
candidate_ver() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2; exit}'; }
has_foreign_arch() { dpkg --print-foreign-architectures | grep -qx "$1"; }

apt_update() {
  if ! "${APT_GET[@]}" update >&2; then
    log "WARNING: 'apt-get update' reported errors (see above); continuing with what apt can see"
  fi
}

BASE_PKGS=(qemu-user
           gcc-aarch64-linux-gnu libc6-dev-arm64-cross
           gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
           musl-tools libunwind-14-dev clang llvm)

all_present() {
  local p
  for p in rustc-web cargo-web rust-web-src "${BASE_PKGS[@]}"; do
    [ -n "$(installed_ver "$p")" ] || return 1
  done
  return 0
}

if [ "$PRINT_ONLY" = 0 ]; then
  [ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }
  if [ "${CROSS_FORCE_APT:-0}" != 1 ] && all_present; then
    log "all packages already installed (rustc-web $(installed_ver rustc-web)); no apt"
  else
    t0=$(date +%s)
    apt_update
    V=$(candidate_ver rustc-web)
    [ -n "$V" ] && [ "$V" != "(none)" ] || { log "rustc-web not available from apt"; exit 1; }
    log "rustc-web candidate: $V"
    "${APT_INSTALL[@]}" rustc-web="$V" cargo-web="$V" rust-web-src="$V" "${BASE_PKGS[@]}" >&2
    for arch in arm64 armhf; do
      [ "$(installed_ver "libstd-rust-web-dev:$arch")" = "$V" ] && continue
      added=0
      if ! has_foreign_arch "$arch"; then
        log "dpkg --add-architecture $arch"; dpkg --add-architecture "$arch"; added=1; apt_update
      fi
      cand=$(candidate_ver "libstd-rust-web-dev:$arch")
      if [ "$cand" = "$V" ] && "${APT_INSTALL[@]}" "libstd-rust-web-dev:$arch=$V" >&2; then
        log "installed prebuilt std for $arch"
      else
        log "libstd-rust-web-dev:$arch: apt offers '${cand:-none}', need $V: this target uses -Z build-std"
        if [ "$added" = 1 ] && ! dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep -q ":$arch\$"; then
          log "dpkg --remove-architecture $arch (not needed for build-std)"
          dpkg --remove-architecture "$arch"; apt_update
        fi
      fi
    done
    log "apt phase took $(( $(date +%s) - t0 )) s"
  fi
fi

RV=$(installed_ver rustc-web)
[ -n "$RV" ] || { log "rustc-web is not installed (run without --print-env first)"; exit 1; }
std_mode() { if [ "$(installed_ver "libstd-rust-web-dev:$1")" = "$RV" ]; then echo prebuilt; else echo build-std; fi; }
runner() { if [ -n "$(installed_ver "libc6:$2")" ]; then echo "$1"; else echo "$1 -L $3"; fi; }
log "rustc-web $RV: aarch64 std=$(std_mode arm64), armv7 std=$(std_mode armhf)"
cat <<ENV
export CROSS_CARGO=/usr/bin/cargo
export CROSS_RUSTC=/usr/bin/rustc
export CROSS_RUSTDOC=/usr/bin/rustdoc
export CROSS_STD_aarch64_unknown_linux_gnu=$(std_mode arm64)
export CROSS_STD_armv7_unknown_linux_gnueabihf=$(std_mode armhf)
export CROSS_STD_x86_64_unknown_linux_musl=build-std
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$(runner qemu-aarch64 arm64 /usr/aarch64-linux-gnu)"
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER="$(runner qemu-arm armhf /usr/arm-linux-gnueabihf)"
export CC_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-gcc
export AR_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-ar
export CC_x86_64_unknown_linux_musl=musl-gcc
export CC_riscv32imac_unknown_none_elf=clang
export AR_riscv32imac_unknown_none_elf=llvm-ar
export CFLAGS_riscv32imac_unknown_none_elf="-nostdlibinc -DRING_CORE_NOSTDLIBINC=1"
ENV
