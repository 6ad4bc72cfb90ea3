//! In-process timings (divan): whole verification per case, its parts, and the crypto floor.
//! `cargo bench -p edgeverify-benches --bench verify`.

#![allow(missing_docs, clippy::unwrap_used)]

use std::sync::LazyLock;

use edgeverify_benches::{cases, Case, Floor};
use edgeverify_core::{Bundle, TrustRoot};

static CASES: LazyLock<Vec<Case>> = LazyLock::new(cases);
static FLOOR: LazyLock<Floor> = LazyLock::new(Floor::new);
const LABELS: [&str; 4] = ["v0.1", "v0.3", "dsse", "rekor-v2"];

fn case(label: &str) -> &'static Case {
    CASES.iter().find(|c| c.label == label).unwrap()
}

fn main() {
    divan::main();
}

/// Parse the bundle + verify, artifact given as bytes (trust root already loaded).
#[divan::bench(args = LABELS)]
fn verify_bytes(label: &str) {
    divan::black_box(case(label).verify());
}

/// The same against a trust root whose own chain signatures were checked once up front
/// (`TrustRoot::remember_chain_signatures`: the daemon and the C API).
#[divan::bench(args = LABELS)]
fn verify_bytes_remembered(label: &str) {
    divan::black_box(case(label).verify_remembered());
}

/// The same with the artifact's SHA-256 (the CLI's streaming path).
#[divan::bench(args = LABELS)]
fn verify_digest(label: &str) {
    divan::black_box(case(label).verify_digest());
}

/// Only the signature checks that one verification performs, directly with ring.
#[divan::bench(args = LABELS)]
fn crypto_floor(label: &str) {
    FLOOR.run(case(label).ops);
}

#[divan::bench(args = LABELS)]
fn parse_bundle(label: &str) {
    divan::black_box(Bundle::from_json(&case(label).bundle_json).unwrap());
}

#[divan::bench]
fn trust_root_load_json() {
    divan::black_box(TrustRoot::from_json(&case("v0.3").root_json).unwrap());
}

#[divan::bench]
fn trust_root_load_cbor(bencher: divan::Bencher) {
    let cbor = case("v0.3").root.to_cbor();
    bencher.bench(|| divan::black_box(TrustRoot::from_cbor(&cbor).unwrap()));
}

#[divan::bench]
fn p256_verify() {
    FLOOR.p256();
}

/// core's own P-256 (`crypto::nistp256`) on the same key, message and signature as
/// `p256_verify`: the key's table built on the fly (any key; the product keeps ring there).
#[divan::bench]
fn p256_verify_core() {
    assert!(FLOOR.p256_core());
}

/// core's P-256 with the key's table built in advance (a trust root's log keys; the
/// embedded root's have the same tables, static).
#[divan::bench]
fn p256_verify_core_key_table(bencher: divan::Bencher) {
    let table = FLOOR.p256_core_table();
    bencher.bench(|| assert!(FLOOR.p256_core_with(&table)));
}

/// Building a P-256 key's table (once per trust-root log key, at load).
#[divan::bench]
fn p256_key_table_build() {
    divan::black_box(FLOOR.p256_core_table());
}

/// RustCrypto `p256` (what the digest-only path used before issue 17) on the same kind of
/// check.
#[divan::bench]
fn p256_verify_rustcrypto(bencher: divan::Bencher) {
    use p256::ecdsa::signature::{Signer as _, Verifier as _};
    let key = p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let message = [0x5a_u8; 1024];
    let signature: p256::ecdsa::Signature = key.sign(&message);
    let verifying = *key.verifying_key();
    bencher.bench(|| verifying.verify(&message, &signature).unwrap());
}

#[divan::bench]
fn p384_verify() {
    FLOOR.p384();
}

/// core's own P-384 (`crypto::nistp384`) on the same key, message and signature as
/// `p384_verify`: the key's table built on the fly (any key).
#[divan::bench]
fn p384_verify_core() {
    assert!(FLOOR.p384_core());
}

/// core's P-384 with the key's table built in advance (a trust root's keys).
#[divan::bench]
fn p384_verify_core_key_table(bencher: divan::Bencher) {
    let table = FLOOR.p384_core_table();
    bencher.bench(|| assert!(FLOOR.p384_core_with(&table)));
}

/// Building a key's table (once per trust-root key, at load).
#[divan::bench]
fn p384_key_table_build() {
    divan::black_box(FLOOR.p384_core_table());
}

#[divan::bench]
fn ed25519_verify() {
    FLOOR.ed25519();
}

/// RustCrypto `p384` (already linked by core for prehash checks) on the same kind of check,
/// to judge whether it could replace ring's P-384.
#[divan::bench]
fn p384_verify_rustcrypto(bencher: divan::Bencher) {
    use p384::ecdsa::signature::{Signer as _, Verifier as _};
    let key = p384::ecdsa::SigningKey::from_bytes(&[7u8; 48].into()).unwrap();
    let message = [0x5a_u8; 1024];
    let signature: p384::ecdsa::Signature = key.sign(&message);
    let verifying = *key.verifying_key();
    bencher.bench(|| verifying.verify(&message, &signature).unwrap());
}
