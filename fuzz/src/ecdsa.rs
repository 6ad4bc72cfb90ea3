//! The differential ECDSA targets (`p384_vs_ring`, `p256_vs_ring`): core's own verifier for a
//! curve against ring on the same key, digest and signature. Any disagreement aborts the run,
//! in either direction (a forgery ring refuses, or a valid signature we refuse).
//!
//! Input: `mode ‖ …`, with `L` the curve's coordinate length.
//! - `embedded` (mode ≡ 2 mod 4, curves whose embedded trust root has keys with static tables):
//!   `key ‖ hash ‖ signature_len ‖ signature ‖ message`: one of those keys and a fuzzed
//!   signature.
//! - `raw` (other even modes): `point(2L) ‖ hash ‖ signature_len ‖ signature ‖ message`: a
//!   fuzzed point (`04 ‖ X ‖ Y`; mostly off the curve, which both must refuse) and signature;
//!   checked with a precomputed table too when mode ≡ 0 mod 4 (mod 8 for curves with
//!   `embedded` keys).
//! - `signed` (mode odd): `secret(L) ‖ hash ‖ mutation(4) ‖ message`: a real key pair (RustCrypto,
//!   RFC 6979, used here only to make valid signatures), a valid signature over the message,
//!   then one mutation: none, a bit flipped in the signature or the message, s replaced by
//!   n − s, r or s replaced by fuzzed bytes, the point's y negated, or a byte appended. Every
//!   verdict is checked with the key's table built on the fly and with a trust-root-style
//!   precomputed table.
//!
//! `hash` picks SHA-256 (odd) or SHA-384 (even) for the message.

use ring::signature::{EcdsaVerificationAlgorithm, UnparsedPublicKey};

/// What a target supplies for its curve.
pub struct Curve {
    /// Coordinate and scalar length in bytes.
    pub len: usize,
    /// The group order n, big-endian, `len` bytes.
    pub order: &'static [u8],
    /// ring's verifiers for SHA-256 and SHA-384 digests.
    pub ring_sha256: &'static EcdsaVerificationAlgorithm,
    pub ring_sha384: &'static EcdsaVerificationAlgorithm,
    /// Ours, the key's table built on the fly (or static).
    pub verify: fn(point: &[u8], digest: &[u8], signature: &[u8]) -> bool,
    /// Ours with a precomputed table; `None` if the point does not parse.
    pub verify_with_table: fn(point: &[u8], digest: &[u8], signature: &[u8]) -> Option<bool>,
    /// A valid signature over `digest` by the key `secret` makes; `None` for an invalid secret.
    pub sign: fn(secret: &[u8], digest: &[u8]) -> Option<Signed>,
    /// The embedded trust root's keys of this curve with static tables (hex points).
    pub embedded_keys: &'static [&'static str],
}

/// A valid signature and the key that made it.
pub struct Signed {
    /// The public key, uncompressed.
    pub point: Vec<u8>,
    /// −point (same x, y negated), uncompressed.
    pub negated_point: Vec<u8>,
    /// r and s, big-endian, the curve's length each.
    pub r: Vec<u8>,
    pub s: Vec<u8>,
}

/// [`Curve::sign`] for a RustCrypto curve crate (`p256`, `p384`): RFC 6979 signatures over a
/// prehashed digest, and the key's negation for the "y negated" mutation.
#[macro_export]
macro_rules! rustcrypto_signer {
    ($curve:ident) => {{
        fn sign(secret: &[u8], digest: &[u8]) -> Option<$crate::ecdsa::Signed> {
            use $curve::ecdsa::signature::hazmat::PrehashSigner as _;
            let key = $curve::ecdsa::SigningKey::from_slice(secret).ok()?;
            let signature: $curve::ecdsa::Signature = key.sign_prehash(digest).ok()?;
            let (r, s) = signature.split_bytes();
            let negated = -*key.verifying_key().as_affine();
            Some($crate::ecdsa::Signed {
                point: key
                    .verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
                negated_point: $curve::EncodedPoint::from($curve::AffinePoint::from(negated))
                    .as_bytes()
                    .to_vec(),
                r: r.to_vec(),
                s: s.to_vec(),
            })
        }
        sign
    }};
}

/// One fuzz input (see the module documentation).
pub fn run(curve: &Curve, data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let embedded = !curve.embedded_keys.is_empty();
    if embedded && mode % 4 == 2 {
        if rest.len() < 3 {
            return;
        }
        let point = unhex(curve.embedded_keys[usize::from(rest[0]) % curve.embedded_keys.len()]);
        let sha384 = rest[1] % 2 == 0;
        let sig_len = usize::from(rest[2]).min(rest.len() - 3);
        let (signature, message) = rest[3..].split_at(sig_len);
        check(curve, sha384, &point, message, signature, false);
        return;
    }
    let point_len = 2 * curve.len;
    if mode % 2 == 0 {
        if rest.len() < point_len + 2 {
            return;
        }
        let mut point = vec![0x04];
        point.extend_from_slice(&rest[..point_len]);
        let sha384 = rest[point_len] % 2 == 0;
        let sig_len = usize::from(rest[point_len + 1]).min(rest.len() - point_len - 2);
        let (signature, message) = rest[point_len + 2..].split_at(sig_len);
        let with_table = if embedded {
            mode % 8 == 0
        } else {
            mode % 4 == 0
        };
        check(curve, sha384, &point, message, signature, with_table);
        return;
    }
    if rest.len() < curve.len + 5 {
        return;
    }
    let sha384 = rest[curve.len] % 2 == 0;
    let mutation = &rest[curve.len + 1..curve.len + 5];
    let mut message = rest[curve.len + 5..].to_vec();
    let Some(signed) = (curve.sign)(&rest[..curve.len], &digest(sha384, &message)) else {
        return;
    };
    let (r, s) = (&signed.r, &signed.s);
    let mut signature = der_signature(r, s);
    let mut point = signed.point.clone();
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
        3 => signature = der_signature(r, &n_minus(curve.order, s)),
        4 => {
            let mut fuzzed = r.clone();
            fuzzed[at % curve.len] ^= bit;
            signature = der_signature(&fuzzed, s);
        }
        5 => {
            let mut fuzzed = s.clone();
            fuzzed[at % curve.len] ^= bit;
            signature = der_signature(r, &fuzzed);
        }
        6 => point = signed.negated_point.clone(),
        _ => signature.push(mutation[3]),
    }
    check(curve, sha384, &point, &message, &signature, true);
}

fn check(
    curve: &Curve,
    sha384: bool,
    point: &[u8],
    message: &[u8],
    signature: &[u8],
    with_table: bool,
) {
    let alg = if sha384 {
        curve.ring_sha384
    } else {
        curve.ring_sha256
    };
    let expected = UnparsedPublicKey::new(alg, point)
        .verify(message, signature)
        .is_ok();
    let d = digest(sha384, message);
    assert_eq!(
        (curve.verify)(point, &d, signature),
        expected,
        "on-the-fly (or static) table disagrees with ring"
    );
    if with_table {
        if let Some(ours) = (curve.verify_with_table)(point, &d, signature) {
            assert_eq!(ours, expected, "precomputed table disagrees with ring");
        }
    }
}

fn digest(sha384: bool, message: &[u8]) -> Vec<u8> {
    let alg = if sha384 {
        &ring::digest::SHA384
    } else {
        &ring::digest::SHA256
    };
    ring::digest::digest(alg, message).as_ref().to_vec()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// `SEQUENCE { INTEGER r, INTEGER s }` in DER from big-endian magnitudes.
pub fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
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

/// n − s for big-endian s ≤ n of n's length.
fn n_minus(n: &[u8], s: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; n.len()];
    let mut borrow = 0i16;
    for i in (0..n.len()).rev() {
        let v = i16::from(n[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(v < 0);
        out[i] = v.rem_euclid(256) as u8;
    }
    out
}
