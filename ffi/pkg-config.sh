#!/usr/bin/env bash
# Writes edgeverify.pc for a built libedgeverify.a, so that C builds and cgo
# (`#cgo pkg-config: edgeverify`) find the header and the library.
#
#   ffi/pkg-config.sh LIBDIR [INCLUDEDIR [PREFIX]] > DIR/edgeverify.pc
#
# LIBDIR holds libedgeverify.a (for example target/release); INCLUDEDIR holds edgeverify.h
# (default: ffi/include of this checkout). Paths are made absolute. Then
# `PKG_CONFIG_PATH=DIR pkg-config --cflags --libs edgeverify`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 LIBDIR [INCLUDEDIR [PREFIX]]" >&2; exit 2; }
libdir="$(cd "$1" && pwd)"
includedir="$(cd "${2:-$here/include}" && pwd)"
prefix="${3:-$(dirname "$libdir")}"
[ -f "$libdir/libedgeverify.a" ] || { echo "$0: no libedgeverify.a in $libdir" >&2; exit 1; }
# The version is the header's (generated from the crate, checked in CI).
version="$(awk '/#define EV_VERSION_(MAJOR|MINOR|PATCH) /{v = v (v ? "." : "") $3} END {print v}' \
  "$includedir/edgeverify.h")"
sed -e "s|@PREFIX@|$prefix|" -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$includedir|" \
  -e "s|@VERSION@|$version|" "$here/edgeverify.pc.in"
