#!/usr/bin/env bash
# cargo-deny: licences (Apache-2.0-compatible allow-list), bans (duplicate versions, wildcard
# requirements), sources (crates.io only) and, when the RustSec advisory DB can be fetched (or
# a copy is already on the machine), advisories. Policy: deny.toml.
set -euo pipefail
cd "$(dirname "$0")/../.."
deny_root=$(dirname "$(bash .ci/tools.sh path cargo-deny)")
# `cargo deny` finds the subcommand on PATH.
export PATH="$deny_root:$PATH"
cargo deny --version
cargo deny check licenses bans sources
if timeout 120 cargo deny fetch db >/dev/null 2>&1; then
  cargo deny check advisories
elif ls "${CARGO_HOME:-$HOME/.cargo}"/advisory-dbs/*/crates >/dev/null 2>&1; then
  echo "advisory DB unreachable: checking against the copy already on this machine"
  cargo deny check --disable-fetch advisories
else
  echo "advisories: SKIPPED (the RustSec advisory DB cannot be fetched from here; see SECURITY.md)"
fi
