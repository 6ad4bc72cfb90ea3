#!/usr/bin/env bash
# cargo-deny: licences (Apache-2.0-compatible allow-list), bans (duplicate versions, wildcard
# requirements), sources (crates.io only) and, when the RustSec advisory DB can be fetched (or
# a copy is already on the machine), advisories. Policy: deny.toml.
set -euo pipefail
# A debug build, in a per-version tools root: cargo-deny's release profile is fat LTO with one
# codegen unit (over 15 minutes on 2 cores); the debug build takes ~90 s and checks this graph in
# under a second.
DENY_VERSION=0.20.2
deny_root="${CARGO_HOME:-$HOME/.cargo}/edgeverify-tools/cargo-deny-$DENY_VERSION"
if [ "$("$deny_root/bin/cargo-deny" --version 2>/dev/null)" != "cargo-deny $DENY_VERSION" ]; then
  start=$SECONDS
  cargo install cargo-deny --version "=$DENY_VERSION" --locked --debug --quiet --root "$deny_root"
  echo "cargo-deny installed in $((SECONDS - start))s"
fi
# `cargo deny` finds the subcommand on PATH.
export PATH="$deny_root/bin:$PATH"
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
