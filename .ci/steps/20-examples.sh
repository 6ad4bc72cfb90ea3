#!/usr/bin/env bash
# The keadm-upgrade example must allow the real sample release artifact and refuse a tampered one.
set -euo pipefail
cd "$(dirname "$0")/../.."
example=$(bash .ci/built.sh example keadm_upgrade)   # the README test command's build
run() { "$example" "$@"; }
run examples/artifacts/binary-linux-amd64 examples/artifacts/binary-linux-amd64.intoto.jsonl \
    github.com/slsa-framework/example-package --branch main
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp examples/artifacts/binary-linux-amd64 "$tmp/tarball"; printf 'x' >> "$tmp/tarball"
if run "$tmp/tarball" examples/artifacts/binary-linux-amd64.intoto.jsonl \
    github.com/slsa-framework/example-package --branch main; then
  echo "tampered artifact was allowed" >&2; exit 1
fi
echo "keadm_upgrade example: allowed the real artifact, refused the tampered one"
