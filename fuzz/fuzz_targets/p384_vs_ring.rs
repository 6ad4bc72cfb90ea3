//! Differential: core's own ECDSA P-384 verifier (`crypto::nistp384`, reached through the
//! hidden `__bench::p384_bench` hooks) against ring; input format and mutations in
//! `edgeverify_fuzz::ecdsa` (RustCrypto `p384` only makes valid signatures to mutate).
#![no_main]

use edgeverify_core::__bench::p384_bench;
use edgeverify_fuzz::ecdsa::{self, Curve};
use libfuzzer_sys::fuzz_target;

const N: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
];

const CURVE: Curve = Curve {
    len: 48,
    order: &N,
    ring_sha256: &ring::signature::ECDSA_P384_SHA256_ASN1,
    ring_sha384: &ring::signature::ECDSA_P384_SHA384_ASN1,
    verify: p384_bench::verify,
    verify_with_table: |point, digest, signature| {
        p384_bench::Table::new(point).map(|t| t.verify(point, digest, signature))
    },
    sign: edgeverify_fuzz::rustcrypto_signer!(p384),
    embedded_keys: &[],
};

fuzz_target!(|data: &[u8]| ecdsa::run(&CURVE, data));
