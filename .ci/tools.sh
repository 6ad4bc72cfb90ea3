#!/usr/bin/env bash
# Cargo-installed tools CI uses, pinned, each in a per-version root under $CARGO_HOME so a
# machine that has one reuses it. Debug builds: they do the same work as release builds here in
# a fraction of the compile time (cargo-deny's release profile is fat LTO with one codegen unit:
# over 15 minutes on 2 cores; its debug build ~90 s; cbindgen ~50 s of CPU instead of 160 s).
#
#   bash .ci/tools.sh install            install every tool that is missing (.ci/run does this
#                                        in the background while the first steps run)
#   bash .ci/tools.sh path cbindgen      install it if missing, print its binary's path
#   bash .ci/tools.sh path cargo-deny
set -euo pipefail

version_of() {
  case "$1" in
    cbindgen) echo 0.29.4 ;;    # the committed header must be what this version generates
    cargo-deny) echo 0.20.2 ;;
    *) echo "tools.sh: unknown tool $1" >&2; exit 2 ;;
  esac
}

ensure() {
  local tool=$1 version root bin
  version=$(version_of "$tool")
  root="${CARGO_HOME:-$HOME/.cargo}/edgeverify-tools/$tool-$version"
  bin="$root/bin/$tool"
  if [ "$("$bin" --version 2>/dev/null)" != "$tool $version" ]; then
    local start=$SECONDS
    cargo install "$tool" --version "=$version" --locked --debug --quiet --root "$root" >&2
    echo "$tool $version installed in $((SECONDS - start)) s" >&2
  fi
  echo "$bin"
}

case "${1:-}" in
  install) ensure cbindgen >/dev/null; ensure cargo-deny >/dev/null ;;
  path) [ $# -eq 2 ] || { echo "usage: $0 path TOOL" >&2; exit 2; }; ensure "$2" ;;
  *) echo "usage: $0 install | path TOOL" >&2; exit 2 ;;
esac
