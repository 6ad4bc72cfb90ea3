#!/usr/bin/env bash
# packaging/build-deb.sh — the Debian package of edgeverify for one architecture, from a dist
# binary already built by tools/cross/build.sh (this script builds nothing).
#
#   bash packaging/build-deb.sh amd64 "$(bash tools/cross/build.sh x86_64-unknown-linux-gnu)"
#   bash packaging/build-deb.sh arm64 "$(bash tools/cross/build.sh aarch64-unknown-linux-gnu)"
#   bash packaging/build-deb.sh armhf "$(bash tools/cross/build.sh armv7-unknown-linux-gnueabihf)"
#
# Writes target/deb/edgeverify_VERSION_ARCH.deb (or into OUTDIR, the third argument) and prints
# its path. Needs dpkg-deb, python3, binutils (readelf) and cargo (for the crate licences).
# Env: EDGEVERIFY_DEB_MAINTAINER ("Name <address>"), EDGEVERIFY_DEB_VERSION (default: the
# workspace version), SOURCE_DATE_EPOCH (default: the last commit's time; same inputs give the
# same .deb byte for byte).
#
# Why not cargo-deb: see packaging/README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCH=${1:?usage: packaging/build-deb.sh amd64|arm64|armhf BINARY [OUTDIR]}
BIN=${2:?usage: packaging/build-deb.sh amd64|arm64|armhf BINARY [OUTDIR]}
OUT=${3:-$root/target/deb}

case "$ARCH" in
  amd64) TRIPLE=x86_64-unknown-linux-gnu;      MACHINE="Advanced Micro Devices X86-64" ;;
  arm64) TRIPLE=aarch64-unknown-linux-gnu;     MACHINE="AArch64" ;;
  armhf) TRIPLE=armv7-unknown-linux-gnueabihf; MACHINE="ARM" ;;
  *) echo "unsupported architecture: $ARCH (amd64, arm64, armhf)" >&2; exit 2 ;;
esac
[ -f "$BIN" ] || { echo "no binary at $BIN" >&2; exit 2; }

# The binary must be the right architecture, dynamically linked against glibc (the Debian
# target), and stripped (the dist profile strips; a debug build would be 10x larger).
machine=$(readelf -h "$BIN" | sed -n 's/^ *Machine: *//p')
[ "$machine" = "$MACHINE" ] || { echo "$BIN is for '$machine', not $ARCH" >&2; exit 1; }
readelf -l "$BIN" | grep -q "program interpreter" || { echo "$BIN is static: use the tarball for musl" >&2; exit 1; }
if readelf -S "$BIN" | grep -q '\.symtab'; then echo "$BIN is not stripped (build it with --profile dist)" >&2; exit 1; fi

# Depends, from what the binary itself asks of the dynamic linker: glibc and libgcc_s at the
# highest symbol version it references (what dpkg-shlibdeps derives from their symbols files;
# that needs the target architecture's libraries installed, this does not). Anything else is a new dependency that must
# be mapped here by hand.
needed=$(readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
depends=()
glibc=$(readelf -V "$BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
for lib in $needed; do
  case "$lib" in
    libc.so.6 | libm.so.6 | libpthread.so.0 | libdl.so.2 | librt.so.1 | libutil.so.1 | ld-linux*) ;;
    libgcc_s.so.1)
      gcc=$(readelf -V "$BIN" | grep -o 'GCC_[0-9][0-9.]*' | sed 's/GCC_//' | sort -V | tail -1)
      depends+=("libgcc-s1 (>= $(echo "${gcc:?}" | cut -d. -f1-2))") ;;
    *) echo "$BIN needs $lib: map it to its Debian package in packaging/build-deb.sh" >&2; exit 1 ;;
  esac
done
depends=("libc6 (>= ${glibc:?no GLIBC symbol version found})" "${depends[@]}"
  # postinst creates the accounts with adduser where systemd-sysusers is missing.
  adduser)

cd "$root"
VERSION=${EDGEVERIFY_DEB_VERSION:-$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)}
MAINTAINER=${EDGEVERIFY_DEB_MAINTAINER:-"edgeverify maintainers <edgeverify@users.noreply.github.com>"}
HOMEPAGE=$(sed -n '/^\[workspace.package\]/,/^\[/s/^repository = "\(.*\)"/\1/p' Cargo.toml)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s)
fi
export SOURCE_DATE_EPOCH
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
umask 022
inst() { # MODE SOURCE DEST (relative to the package root)
  install -D -m "$1" "$2" "$stage/$3"
}
inst 0755 "$BIN" usr/bin/edgeverify
inst 0644 examples/systemd/edgeverify.service lib/systemd/system/edgeverify.service
inst 0644 examples/systemd/sysusers.d/edgeverify.conf usr/lib/sysusers.d/edgeverify.conf
inst 0644 examples/systemd/tmpfiles.d/edgeverify.conf usr/lib/tmpfiles.d/edgeverify.conf
inst 0644 examples/systemd/edgecore.service.d/edgeverify-gate.conf \
  usr/share/edgeverify/edgecore.service.d/edgeverify-gate.conf
inst 0644 packaging/policy.toml etc/edgeverify/policy.toml
install -d "$stage/usr/share/man/man1"
gzip -9n < packaging/edgeverify.1 > "$stage/usr/share/man/man1/edgeverify.1.gz"
chmod 0644 "$stage/usr/share/man/man1/edgeverify.1.gz"
doc=usr/share/doc/edgeverify
# The units' Documentation= points at these; kept uncompressed so that URL stays valid.
inst 0644 README.md $doc/README.md
inst 0644 agent/README.md $doc/agent/README.md
inst 0644 SECURITY.md $doc/SECURITY.md
inst 0644 examples/policy.toml $doc/examples/policy.toml
python3 packaging/copyright.py "$TRIPLE" > "$stage/$doc/copyright"
chmod 0644 "$stage/$doc/copyright"
{
  echo "edgeverify ($VERSION) unstable; urgency=medium"
  echo
  echo "  * Built from the edgeverify sources at commit $commit."
  echo
  echo " -- $MAINTAINER  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$stage/$doc/changelog.gz"
chmod 0644 "$stage/$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
echo /etc/edgeverify/policy.toml > "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
installed_kib=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
dep_line=$(IFS=,; echo "${depends[*]}")
dep_line=${dep_line//,/, }
cat > "$stage/DEBIAN/control" <<EOF
Package: edgeverify
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kib
Depends: $dep_line
Section: admin
Priority: optional
Homepage: $HOMEPAGE
Description: offline Sigstore and SLSA verifier and program gate for edge devices
 edgeverify checks, without any network, that a program or artifact was built
 and signed by whom the operator expects, against a pinned Sigstore trust root:
 Sigstore bundles (Fulcio certificate, Rekor transparency-log proofs, RFC 3161
 timestamps) and SLSA provenance with slsa-verifier's semantics.
 .
 This package runs the daemon (edgeverify.service), which answers "may this
 program run?" on /run/edgeverify/edgeverify.sock according to
 /etc/edgeverify/policy.toml, and ships a systemd drop-in that gates a service's
 program with "edgeverify exec" (shown for KubeEdge's edgecore.service).
EOF
mkdir -p "$OUT"
deb="$OUT/edgeverify_${VERSION}_${ARCH}.deb"
find "$stage" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
