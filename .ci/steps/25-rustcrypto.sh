#!/usr/bin/env bash
# The pure-Rust crypto provider (edgeverify-core feature `rustcrypto` without `ring`: sha2,
# p256, p384, ed25519-dalek; for targets ring cannot build for, see 61-nostd.sh): lints, unit
# tests, and the conformance, attack, limit, mutation, TUF-update (Sigstore's TUF keys are ECDSA
# P-256) and interop suites with this provider alone. Every case gives its expected verdict
# except those whose chain is RSA-signed, which must be rejected as unsupported
# (core/tests/conformance.rs, core/tests/interop.rs). The SLSA manifest rows are left
# out: they exercise provenance logic, not crypto, and take minutes with this provider in a
# debug build; they run with ring in the main test step.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
FEATURES=(-p edgeverify-core --no-default-features --features std,rustcrypto --locked)
cargo clippy "${FEATURES[@]}" --all-targets -- -D warnings
cargo test "${FEATURES[@]}" --lib --test conformance --test attacks --test limits --test mutation \
  --test tuf --test interop
echo "rustcrypto provider step took $((SECONDS - t0)) s"
