#!/usr/bin/env bash
# packaging/build-tarball.sh — the static tarball for devices without dpkg, from the static musl
# binary already built by tools/cross/build.sh (this script builds nothing).
#
#   bash packaging/build-tarball.sh "$(bash tools/cross/build.sh x86_64-unknown-linux-musl)"
#
# Writes target/dist-tarball/edgeverify-VERSION-x86_64-linux-musl.tar.gz (or into OUTDIR, the
# second argument) and prints its path: bin/edgeverify, the systemd units, sysusers.d and
# tmpfiles.d files, the policy, the manual page, the documentation, INSTALL.md and install.sh.
# Same inputs and SOURCE_DATE_EPOCH (default: the last commit's time) give the same bytes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:?usage: packaging/build-tarball.sh MUSL_BINARY [OUTDIR]}
OUT=${2:-$root/target/dist-tarball}
[ -f "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }
if readelf -l "$BIN" | grep -q "program interpreter"; then
  echo "$BIN is dynamically linked: the tarball is for the static musl build" >&2
  exit 1
fi
machine=$(readelf -h "$BIN" | sed -n 's/^ *Machine: *//p')
[ "$machine" = "Advanced Micro Devices X86-64" ] || { echo "$BIN is for '$machine', not x86_64" >&2; exit 1; }

cd "$root"
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
name=edgeverify-$VERSION-x86_64-linux-musl
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
d=$stage/$name
umask 022
inst() { install -D -m "$1" "$2" "$d/$3"; }
inst 0755 "$BIN" bin/edgeverify
inst 0755 packaging/tarball/install.sh install.sh
inst 0644 packaging/tarball/INSTALL.md INSTALL.md
inst 0644 examples/systemd/edgeverify.service systemd/edgeverify.service
inst 0644 examples/systemd/edgecore.service.d/edgeverify-gate.conf systemd/edgecore.service.d/edgeverify-gate.conf
inst 0644 examples/systemd/sysusers.d/edgeverify.conf systemd/sysusers.d/edgeverify.conf
inst 0644 examples/systemd/tmpfiles.d/edgeverify.conf systemd/tmpfiles.d/edgeverify.conf
inst 0644 packaging/policy.toml policy.toml
inst 0644 packaging/edgeverify.1 man/edgeverify.1
inst 0644 README.md doc/README.md
inst 0644 agent/README.md doc/agent/README.md
inst 0644 SECURITY.md doc/SECURITY.md
inst 0644 LICENSE doc/LICENSE
inst 0644 examples/policy.toml doc/examples/policy.toml
python3 packaging/copyright.py x86_64-unknown-linux-musl --static-libc musl > "$d/doc/copyright"
chmod 0644 "$d/doc/copyright"

mkdir -p "$OUT"
tarball=$OUT/$name.tar.gz
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  --format=gnu -C "$stage" -cf - "$name" | gzip -9n > "$tarball"
echo "$tarball"
