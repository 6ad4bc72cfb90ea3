#!/usr/bin/env bash
# Packages: the Debian packages for amd64 and arm64 and the static musl tarball, from the dist
# binaries that the cross step (60: musl) and the size step (62: x86_64, aarch64) built. They
# come from tools/cross/build.sh with the same target directories, so asking for them again here
# is a cargo no-op (seconds), not a second build. Then:
#  - the amd64 package is installed, used and purged on this machine (packaging/test-deb.sh:
#    dpkg -i, policy check, systemd-analyze verify, the daemon with the installed config and
#    socket, the exec gate drop-in's command, reinstall, remove, purge leaves nothing behind);
#  - the arm64 package's binary runs under qemu-aarch64 and accepts the packaged policy;
#  - the tarball is installed and removed as INSTALL.md says (packaging/test-tarball.sh).
# armhf is not built here: CI has no armv7 dist binary (60 builds armv7 *test* binaries with the
# qemu profile), and a dist build costs minutes. The one command (packaging/README.md):
#   bash packaging/build-deb.sh armhf "$(bash tools/cross/build.sh armv7-unknown-linux-gnueabihf)"
# lintian is not run here either (installing it costs about 2 minutes); packaging/README.md
# records its result.
# Measured on a 2-core machine shared with other builds (load 11-13), binaries already built:
# 115 s in all (2 s to confirm the binaries, 10 s to build the three packages, 81 s for the
# amd64 install test, 1 s for arm64 under qemu, 21 s for the tarball test).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
eval "$(bash tools/cross/setup.sh)"
amd64=$(bash tools/cross/build.sh x86_64-unknown-linux-gnu)
arm64=$(bash tools/cross/build.sh aarch64-unknown-linux-gnu)
musl=$(bash tools/cross/build.sh x86_64-unknown-linux-musl)
echo "dist binaries (reused from the cross and size steps) ready in $((SECONDS - t0)) s"

t1=$SECONDS
deb_amd64=$(bash packaging/build-deb.sh amd64 "$amd64")
deb_arm64=$(bash packaging/build-deb.sh arm64 "$arm64")
tarball=$(bash packaging/build-tarball.sh "$musl")
ls -l "$deb_amd64" "$deb_arm64" "$tarball"
echo "packages built in $((SECONDS - t1)) s"

t1=$SECONDS
timeout 600 bash packaging/test-deb.sh "$deb_amd64"
echo "amd64 package test took $((SECONDS - t1)) s"

t1=$SECONDS
x=$(mktemp -d)
dpkg-deb -x "$deb_arm64" "$x"
[ "$(dpkg-deb -f "$deb_arm64" Architecture)" = arm64 ]
# shellcheck disable=SC2086 # the runner is a command with arguments
$CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER "$x/usr/bin/edgeverify" policy check "$x/etc/edgeverify/policy.toml"
rm -rf "$x"
echo "arm64 package: its binary accepts its policy under qemu-aarch64 ($((SECONDS - t1)) s)"

t1=$SECONDS
timeout 300 bash packaging/test-tarball.sh "$tarball"
echo "tarball test took $((SECONDS - t1)) s"
echo "package step took $((SECONDS - t0)) s"
