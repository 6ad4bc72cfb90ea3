//! Differential: core's own ECDSA P-256 verifier (`crypto::nistp256`, reached through the
//! hidden `__bench::p256_bench` hooks) against ring; input format and mutations in
//! `edgeverify_fuzz::ecdsa` (RustCrypto `p256` only makes valid signatures to mutate). The
//! embedded trust root's P-256 log keys (Rekor, CT logs), which have static tables in core, are
//! one of the modes.
#![no_main]

use edgeverify_core::__bench::p256_bench;
use edgeverify_fuzz::ecdsa::{self, Curve};
use libfuzzer_sys::fuzz_target;

const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

const EMBEDDED_KEYS: [&str; 3] = [
    "04d86d98fb6b5a6dd4d5e41706881231d1af5f005c2b9016e62d21ad92ce0bdea5fac98634cee7c19e10bc52bfe2cb9e468563fff40fdb6362e10b7d0cf7e458b7",
    "046dfc11f9126e757b1c811051a4a5f55c50f2dcfcae743c73fd27e7462d5f4fc7a4a5f05dd8ed6ea33ee3af767c9cacf103af44510f9e142148df37ae6cf594ef",
    "0488f4a5162d029854df123094a85f47b8211c61734a01a61a948266059f32c9eccf8d3aa1c6b281a4c9daa1c56d2c9048d5e337b979d0cd018025d27882cf45cb",
];

const CURVE: Curve = Curve {
    len: 32,
    order: &N,
    ring_sha256: &ring::signature::ECDSA_P256_SHA256_ASN1,
    ring_sha384: &ring::signature::ECDSA_P256_SHA384_ASN1,
    verify: p256_bench::verify,
    verify_with_table: |point, digest, signature| {
        p256_bench::Table::new(point).map(|t| t.verify(point, digest, signature))
    },
    sign: edgeverify_fuzz::rustcrypto_signer!(p256),
    embedded_keys: &EMBEDDED_KEYS,
};

fuzz_target!(|data: &[u8]| ecdsa::run(&CURVE, data));
