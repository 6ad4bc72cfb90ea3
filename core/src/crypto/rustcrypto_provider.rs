//! The `rustcrypto` provider: pure Rust (`sha2`, `ed25519-dalek`, core's own ECDSA), for
//! targets ring cannot build for. ECDSA P-256/P-384 and Ed25519 only: RSA is unsupported and
//! fails closed.

use rustls_pki_types::SignatureVerificationAlgorithm;
use rustls_pki_types::{alg_id, AlgorithmIdentifier, InvalidSignature};
use sha2::Digest as _;

use super::{verify_ecdsa_prehashed, HashAlgorithm, KeyType, SignatureError};

/// A hash in progress.
#[derive(Clone)]
pub(super) enum HashContext {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl HashContext {
    pub(super) fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Self::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => Self::Sha384(sha2::Sha384::new()),
            HashAlgorithm::Sha512 => Self::Sha512(sha2::Sha512::new()),
        }
    }

    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    /// Writes the digest to the start of `out` (every supported digest fits in 64 bytes).
    pub(super) fn finish(self, out: &mut [u8; 64]) {
        match self {
            Self::Sha256(h) => super::copy_prefix(out, &h.finalize()),
            Self::Sha384(h) => super::copy_prefix(out, &h.finalize()),
            Self::Sha512(h) => super::copy_prefix(out, &h.finalize()),
        }
    }
}

/// Verifies `signature` over `message`; `raw` is the uncompressed EC point or the raw Ed25519
/// key. The same key/hash combinations as the ring provider, except RSA.
pub(super) fn verify(
    key_type: KeyType,
    hash: HashAlgorithm,
    raw: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    match (key_type, hash) {
        (
            KeyType::EcdsaP256 | KeyType::EcdsaP384,
            HashAlgorithm::Sha256 | HashAlgorithm::Sha384,
        ) => {
            let digest = hash.digest(message);
            verify_ecdsa_prehashed(key_type, raw, digest.as_bytes(), signature)
        }
        (KeyType::Ed25519, _) => {
            let key = <&[u8; 32]>::try_from(raw).map_err(|_| SignatureError::Invalid)?;
            let key = ed25519_dalek::VerifyingKey::from_bytes(key)
                .map_err(|_| SignatureError::Invalid)?;
            let signature = ed25519_dalek::Signature::from_slice(signature)
                .map_err(|_| SignatureError::Invalid)?;
            // Strict: no small-order keys or R points, canonical S (what ring also demands of S).
            key.verify_strict(message, &signature)
                .map_err(|_| SignatureError::Invalid)
        }
        _ => Err(SignatureError::Unsupported),
    }
}

/// A webpki signature algorithm for certificate chains, by this provider.
#[derive(Debug)]
struct ChainAlgorithm {
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
    key_type: KeyType,
    hash: HashAlgorithm,
}

impl SignatureVerificationAlgorithm for ChainAlgorithm {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // webpki hands over the subjectPublicKey: only the forms `PublicKey` accepts verify.
        if self.key_type.raw_key_len() != Some(public_key.len()) {
            return Err(InvalidSignature);
        }
        verify(self.key_type, self.hash, public_key, message, signature)
            .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.public_key_alg_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.signature_alg_id
    }
}

static ECDSA_P256_SHA256: ChainAlgorithm = ChainAlgorithm {
    public_key_alg_id: alg_id::ECDSA_P256,
    signature_alg_id: alg_id::ECDSA_SHA256,
    key_type: KeyType::EcdsaP256,
    hash: HashAlgorithm::Sha256,
};
static ECDSA_P256_SHA384: ChainAlgorithm = ChainAlgorithm {
    public_key_alg_id: alg_id::ECDSA_P256,
    signature_alg_id: alg_id::ECDSA_SHA384,
    key_type: KeyType::EcdsaP256,
    hash: HashAlgorithm::Sha384,
};
static ED25519: ChainAlgorithm = ChainAlgorithm {
    public_key_alg_id: alg_id::ED25519,
    signature_alg_id: alg_id::ED25519,
    key_type: KeyType::Ed25519,
    hash: HashAlgorithm::Sha512,
};

pub(super) const CHAIN_ALGORITHM_COUNT: usize = 5;

/// Signature algorithms accepted in X.509 chains (Fulcio, TSA): the ring provider's list, in
/// the same order, without RSA.
pub(crate) static CHAIN_SIGNATURE_ALGORITHMS: [&dyn SignatureVerificationAlgorithm;
    CHAIN_ALGORITHM_COUNT] = [
    &ECDSA_P256_SHA256,
    &ECDSA_P256_SHA384,
    &super::ECDSA_P384_SHA256,
    &super::ECDSA_P384_SHA384,
    &ED25519,
];
