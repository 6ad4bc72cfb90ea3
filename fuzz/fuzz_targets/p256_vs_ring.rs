//! Differential: core's own ECDSA P-256 verifier (`crypto::nistp256`, reached through the
//! hidden `__bench::p256_bench` hooks) against ring on the same key, digest and signature.
//! Any disagreement aborts the run, in either direction (a forgery ring refuses, or a valid
//! signature we refuse).
//!
//! Input: `mode ‖ …`.
//! - mode ≡ 0 (mod 4) (`raw`): `point(64) ‖ hash ‖ signature_len ‖ signature ‖ message`: a
//!   fuzzed point (`04 ‖ X ‖ Y`; mostly off the curve, which both must refuse) and signature.
//! - mode ≡ 2 (mod 4) (`embedded`): `key ‖ hash ‖ signature_len ‖ signature ‖ message`: one of
//!   the embedded trust root's log keys (checked with their static tables) and a fuzzed
//!   signature.
//! - mode odd (`signed`): `secret(32) ‖ hash ‖ mutation(4) ‖ message`: a real key pair
//!   (RustCrypto `p256`, RFC 6979, used here only to make valid signatures), a valid signature
//!   over the message, then one mutation: none, a bit flipped in the signature or the message,
//!   s replaced by n − s, r or s replaced by fuzzed bytes, the point's y negated, or a byte
//!   appended. Every verdict is checked with the key's table built on the fly and with a
//!   trust-root-style precomputed table.
#![no_main]

use edgeverify_core::__bench::p256_bench;
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;

const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
    0x25, 0x51,
];

/// The embedded production trust root's P-256 log keys (Rekor, CT logs), which have static
/// tables in core.
const EMBEDDED_KEYS: [&str; 3] = [
    "04d86d98fb6b5a6dd4d5e41706881231d1af5f005c2b9016e62d21ad92ce0bdea5fac98634cee7c19e10bc52bfe2cb9e468563fff40fdb6362e10b7d0cf7e458b7",
    "046dfc11f9126e757b1c811051a4a5f55c50f2dcfcae743c73fd27e7462d5f4fc7a4a5f05dd8ed6ea33ee3af767c9cacf103af44510f9e142148df37ae6cf594ef",
    "0488f4a5162d029854df123094a85f47b8211c61734a01a61a948266059f32c9eccf8d3aa1c6b281a4c9daa1c56d2c9048d5e337b979d0cd018025d27882cf45cb",
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn ring_verdict(sha384: bool, point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let alg = if sha384 {
        &ring::signature::ECDSA_P256_SHA384_ASN1
    } else {
        &ring::signature::ECDSA_P256_SHA256_ASN1
    };
    ring::signature::UnparsedPublicKey::new(alg, point)
        .verify(message, signature)
        .is_ok()
}

fn digest(sha384: bool, message: &[u8]) -> Vec<u8> {
    let alg = if sha384 {
        &ring::digest::SHA384
    } else {
        &ring::digest::SHA256
    };
    ring::digest::digest(alg, message).as_ref().to_vec()
}

fn check(sha384: bool, point: &[u8], message: &[u8], signature: &[u8], with_table: bool) {
    let expected = ring_verdict(sha384, point, message, signature);
    let d = digest(sha384, message);
    let ours = p256_bench::verify(point, &d, signature);
    assert_eq!(ours, expected, "on-the-fly (or static) table disagrees with ring");
    if with_table {
        if let Some(table) = p256_bench::Table::new(point) {
            assert_eq!(
                table.verify(point, &d, signature),
                expected,
                "precomputed table disagrees with ring"
            );
        }
    }
}

/// `SEQUENCE { INTEGER r, INTEGER s }` in DER from big-endian magnitudes.
fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn integer(v: &[u8]) -> Vec<u8> {
        let v = match v.iter().position(|b| *b != 0) {
            Some(i) => &v[i..],
            None => &[0u8][..],
        };
        let mut out = vec![0x02];
        let pad = v[0] >= 0x80;
        out.push((v.len() + usize::from(pad)) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
        out
    }
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

/// n − s for 32-byte big-endian s ≤ n.
fn n_minus(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let v = N[i] as i16 - s[i] as i16 - borrow;
        borrow = i16::from(v < 0);
        out[i] = v.rem_euclid(256) as u8;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 4 == 2 {
        if rest.len() < 3 {
            return;
        }
        let point = unhex(EMBEDDED_KEYS[usize::from(rest[0]) % EMBEDDED_KEYS.len()]);
        let sha384 = rest[1] % 2 == 0;
        let sig_len = usize::from(rest[2]).min(rest.len() - 3);
        let (signature, message) = rest[3..].split_at(sig_len);
        check(sha384, &point, message, signature, false);
        return;
    }
    if mode % 2 == 0 {
        if rest.len() < 66 {
            return;
        }
        let mut point = vec![0x04];
        point.extend_from_slice(&rest[..64]);
        let sha384 = rest[64] % 2 == 0;
        let sig_len = usize::from(rest[65]).min(rest.len() - 66);
        let (signature, message) = rest[66..].split_at(sig_len);
        check(sha384, &point, message, signature, mode % 8 == 0);
        return;
    }
    if rest.len() < 37 {
        return;
    }
    let Ok(key) = p256::ecdsa::SigningKey::from_slice(&rest[..32]) else {
        return;
    };
    let sha384 = rest[32] % 2 == 0;
    let mutation = &rest[33..37];
    let message = &rest[37..];
    let point = key.verifying_key().to_encoded_point(false).as_bytes().to_vec();
    let Ok(sig): Result<p256::ecdsa::Signature, _> = key.sign_prehash(&digest(sha384, message))
    else {
        return;
    };
    let (r, s) = sig.split_bytes();
    let (r, s): ([u8; 32], [u8; 32]) = (r.into(), s.into());
    let mut signature = der_signature(&r, &s);
    let mut message = message.to_vec();
    let mut point = point;
    let at = usize::from(u16::from_le_bytes([mutation[1], mutation[2]]));
    let bit = 1u8 << (mutation[3] % 8);
    match mutation[0] % 8 {
        0 => {}
        1 => {
            let i = at % signature.len();
            signature[i] ^= bit;
        }
        2 if !message.is_empty() => {
            let i = at % message.len();
            message[i] ^= bit;
        }
        3 => signature = der_signature(&r, &n_minus(&s)),
        4 => {
            let mut fuzzed = r;
            fuzzed[at % 32] ^= bit;
            signature = der_signature(&fuzzed, &s);
        }
        5 => {
            let mut fuzzed = s;
            fuzzed[at % 32] ^= bit;
            signature = der_signature(&r, &fuzzed);
        }
        6 => {
            // −Q: same x, y negated (p − y), found by re-encoding through RustCrypto.
            let negated = -*key.verifying_key().as_affine();
            point = p256::EncodedPoint::from(p256::AffinePoint::from(negated))
                .as_bytes()
                .to_vec();
        }
        _ => signature.push(mutation[3]),
    }
    check(sha384, &point, &message, &signature, true);
});
