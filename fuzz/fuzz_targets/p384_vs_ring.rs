//! Differential: core's own ECDSA P-384 verifier (`crypto::nistp384`, reached through the
//! hidden `__bench::p384_bench` hooks) against ring on the same key, digest and signature.
//! Any disagreement aborts the run, in either direction (a forgery ring refuses, or a valid
//! signature we refuse).
//!
//! Input: `mode ‖ …`.
//! - mode even (`raw`): `point(96) ‖ hash ‖ signature_len ‖ signature ‖ message`: a fuzzed
//!   point (`04 ‖ X ‖ Y`; mostly off the curve, which both must refuse) and signature.
//! - mode odd (`signed`): `secret(48) ‖ hash ‖ mutation(4) ‖ message`: a real key pair (RustCrypto
//!   `p384`, RFC 6979, used here only to make valid signatures), a valid signature over the
//!   message, then one mutation: none, a bit flipped in the signature or the message, s
//!   replaced by n − s, r or s replaced by fuzzed bytes, the point's y negated, or a byte
//!   appended. Every verdict is checked with the key's table built on the fly and with a
//!   trust-root-style precomputed table.
#![no_main]

use edgeverify_core::__bench::p384_bench;
use libfuzzer_sys::fuzz_target;
use p384::ecdsa::signature::hazmat::PrehashSigner as _;

const N: [u8; 48] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37,
    0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc,
    0xc5, 0x29, 0x73,
];

fn ring_verdict(sha384: bool, point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let alg = if sha384 {
        &ring::signature::ECDSA_P384_SHA384_ASN1
    } else {
        &ring::signature::ECDSA_P384_SHA256_ASN1
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
    let ours = p384_bench::verify(point, &d, signature);
    assert_eq!(ours, expected, "on-the-fly table disagrees with ring");
    if with_table {
        if let Some(table) = p384_bench::Table::new(point) {
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

/// n − s for 48-byte big-endian s ≤ n.
fn n_minus(s: &[u8; 48]) -> [u8; 48] {
    let mut out = [0u8; 48];
    let mut borrow = 0i16;
    for i in (0..48).rev() {
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
    if mode % 2 == 0 {
        if rest.len() < 98 {
            return;
        }
        let mut point = vec![0x04];
        point.extend_from_slice(&rest[..96]);
        let sha384 = rest[96] % 2 == 0;
        let sig_len = usize::from(rest[97]).min(rest.len() - 98);
        let (signature, message) = rest[98..].split_at(sig_len);
        check(sha384, &point, message, signature, mode % 4 == 0);
        return;
    }
    if rest.len() < 53 {
        return;
    }
    let Ok(key) = p384::ecdsa::SigningKey::from_slice(&rest[..48]) else {
        return;
    };
    let sha384 = rest[48] % 2 == 0;
    let mutation = &rest[49..53];
    let message = &rest[53..];
    let point = key.verifying_key().to_encoded_point(false).as_bytes().to_vec();
    let Ok(sig): Result<p384::ecdsa::Signature, _> = key.sign_prehash(&digest(sha384, message))
    else {
        return;
    };
    let (r, s) = sig.split_bytes();
    let (r, s): ([u8; 48], [u8; 48]) = (r.into(), s.into());
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
            fuzzed[at % 48] ^= bit;
            signature = der_signature(&fuzzed, &s);
        }
        5 => {
            let mut fuzzed = s;
            fuzzed[at % 48] ^= bit;
            signature = der_signature(&r, &fuzzed);
        }
        6 => {
            // −Q: same x, y negated (p − y), found by re-encoding through RustCrypto.
            let negated = -*key.verifying_key().as_affine();
            point = p384::EncodedPoint::from(p384::AffinePoint::from(negated))
                .as_bytes()
                .to_vec();
        }
        _ => signature.push(mutation[3]),
    }
    check(sha384, &point, &message, &signature, true);
});
