//! The `ring` provider: hashing and signature checks with ring (assembly on x86_64 and ARM).

use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::SignatureVerificationAlgorithm;

use super::{HashAlgorithm, KeyType, SignatureError};

/// A hash in progress.
#[derive(Clone)]
pub(super) struct HashContext(ring::digest::Context);

impl HashContext {
    pub(super) fn new(algorithm: HashAlgorithm) -> Self {
        Self(ring::digest::Context::new(match algorithm {
            HashAlgorithm::Sha256 => &ring::digest::SHA256,
            HashAlgorithm::Sha384 => &ring::digest::SHA384,
            HashAlgorithm::Sha512 => &ring::digest::SHA512,
        }))
    }

    pub(super) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// Writes the digest to the start of `out` (every supported digest fits in 64 bytes).
    pub(super) fn finish(self, out: &mut [u8; 64]) {
        super::copy_prefix(out, self.0.finish().as_ref());
    }
}

/// Verifies `signature` over `message`; `raw` is the key as ring wants it (the uncompressed
/// EC point, the PKCS#1 RSAPublicKey, or the raw Ed25519 key).
pub(super) fn verify(
    key_type: KeyType,
    hash: HashAlgorithm,
    raw: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let alg: &dyn VerificationAlgorithm = match (key_type, hash) {
        (KeyType::EcdsaP256, HashAlgorithm::Sha256) => &ring_sig::ECDSA_P256_SHA256_ASN1,
        (KeyType::EcdsaP256, HashAlgorithm::Sha384) => &ring_sig::ECDSA_P256_SHA384_ASN1,
        (KeyType::Ed25519, _) => &ring_sig::ED25519,
        (KeyType::Rsa, HashAlgorithm::Sha256) => &ring_sig::RSA_PKCS1_2048_8192_SHA256,
        (KeyType::Rsa, HashAlgorithm::Sha384) => &ring_sig::RSA_PKCS1_2048_8192_SHA384,
        (KeyType::Rsa, HashAlgorithm::Sha512) => &ring_sig::RSA_PKCS1_2048_8192_SHA512,
        _ => return Err(SignatureError::Unsupported),
    };
    if UnparsedPublicKey::new(alg, raw)
        .verify(message, signature)
        .is_ok()
    {
        return Ok(());
    }
    // An SPKI does not say whether an RSA key signs with PKCS#1 v1.5 or PSS (Sigstore's key
    // details do, but bundles do not carry them); both are sound schemes for the same key, so
    // a PSS signature with the same hash is accepted too.
    let pss: Option<&dyn VerificationAlgorithm> = match (key_type, hash) {
        (KeyType::Rsa, HashAlgorithm::Sha256) => Some(&ring_sig::RSA_PSS_2048_8192_SHA256),
        (KeyType::Rsa, HashAlgorithm::Sha384) => Some(&ring_sig::RSA_PSS_2048_8192_SHA384),
        (KeyType::Rsa, HashAlgorithm::Sha512) => Some(&ring_sig::RSA_PSS_2048_8192_SHA512),
        _ => None,
    };
    match pss {
        Some(alg) => UnparsedPublicKey::new(alg, raw)
            .verify(message, signature)
            .map_err(|_| SignatureError::Invalid),
        None => Err(SignatureError::Invalid),
    }
}

pub(super) const CHAIN_ALGORITHM_COUNT: usize = 11;

/// Signature algorithms accepted in X.509 chains (Fulcio, TSA), as webpki verifiers backed
/// by ring. SHA-1 and other weak schemes are absent on purpose.
pub(crate) static CHAIN_SIGNATURE_ALGORITHMS: [&dyn SignatureVerificationAlgorithm;
    CHAIN_ALGORITHM_COUNT] = [
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    // P-384: `nistp384`, faster than ring's generic C.
    &super::ECDSA_P384_SHA256,
    &super::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];
