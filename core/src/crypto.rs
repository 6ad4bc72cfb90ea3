//! All cryptographic primitives, and the only module that names `ring` or RustCrypto.
//!
//! Two providers do the work behind one interface (chosen at build time):
//! - `ring` (feature `ring`, the default): ring does hashing and every signature check it can,
//!   with assembly on x86_64 and ARM. ring cannot verify ECDSA from a digest computed elsewhere
//!   (it always hashes the message itself), so the digest-only path for P-256 — the caller
//!   streamed a large artifact and hands us its SHA-256 — uses core's own `nistp256`.
//! - `rustcrypto` (feature `rustcrypto` without `ring`): pure Rust (`sha2`, `p256`,
//!   `ed25519-dalek`), for targets ring cannot build for, such as `thumbv7em-none-eabihf`.
//!   It supports ECDSA P-256/P-384 and Ed25519 — everything Sigstore's public-good instance
//!   uses — but not RSA: an RSA key or certificate chain fails closed with
//!   [`Error::UnsupportedAlgorithm`] or an invalid chain.
//!
//! ECDSA P-384, with either provider, is core's own verifier (`nistp384`: fiat-crypto's
//! verified field arithmetic, variable-time multiplication over precomputed tables), several
//! times faster than ring 0.17's generic C; it also serves P-384 digests directly. ECDSA P-256
//! is core's own too (`nistp256`, the same algorithm: `weierstrass`) wherever it is faster:
//! digests (instead of RustCrypto), and every check with `rustcrypto` (with tables for the
//! embedded root's logs, and a loaded root's once `TrustRoot::remember_chain_signatures`
//! ran); ring keeps P-256 checks of messages, where its assembly beats ours even with a key
//! table (`BENCHMARKS.md`, issue 17).

use alloc::vec::Vec;

use der::asn1::ObjectIdentifier;
use der::Decode as _;
use rustls_pki_types::SignatureVerificationAlgorithm;

use crate::error::Error;

#[cfg(not(any(feature = "ring", feature = "rustcrypto")))]
compile_error!("edgeverify-core needs a crypto provider: feature `ring` (default) or `rustcrypto`");

mod nistp256;
mod nistp384;
#[cfg(feature = "ring")]
mod ring_provider;
mod weierstrass;
#[cfg(feature = "ring")]
use ring_provider as provider;

#[cfg(all(feature = "rustcrypto", not(feature = "ring")))]
mod rustcrypto_provider;
#[cfg(all(feature = "rustcrypto", not(feature = "ring")))]
use rustcrypto_provider as provider;

use provider::CHAIN_ALGORITHM_COUNT;
pub(crate) use provider::CHAIN_SIGNATURE_ALGORITHMS;

/// A hash function used by signatures, digests and Merkle trees.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// Length of the digest in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Hash `data` in one go.
    pub fn digest(self, data: &[u8]) -> Digest {
        let mut h = Hasher::new(self);
        h.update(data);
        h.finish()
    }

    /// The lowercase name used in Rekor v1 bodies and in-toto subjects (`sha256`, …).
    pub const fn rekor_name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// The protobuf enum name (`SHA2_256`, …).
    pub const fn proto_name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA2_256",
            Self::Sha384 => "SHA2_384",
            Self::Sha512 => "SHA2_512",
        }
    }

    /// Parses either naming (`sha256` or `SHA2_256`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha256" | "SHA2_256" => Some(Self::Sha256),
            "sha384" | "SHA2_384" => Some(Self::Sha384),
            "sha512" | "SHA2_512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The algorithm identified by a DER OID (NIST hash OIDs 2.16.840.1.101.3.4.2.{1,2,3}).
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            OID_SHA256 => Some(Self::Sha256),
            OID_SHA384 => Some(Self::Sha384),
            OID_SHA512 => Some(Self::Sha512),
            _ => None,
        }
    }
}

const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const OID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// A digest value together with the algorithm that produced it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: HashAlgorithm,
    bytes: [u8; 64],
}

impl Digest {
    /// A digest from its bytes; `None` if the length does not fit the algorithm.
    pub fn new(algorithm: HashAlgorithm, value: &[u8]) -> Option<Self> {
        if value.len() != algorithm.output_len() {
            return None;
        }
        let mut bytes = [0u8; 64];
        bytes.get_mut(..value.len())?.copy_from_slice(value);
        Some(Self { algorithm, bytes })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// The digest bytes (32, 48 or 64 of them).
    pub fn as_bytes(&self) -> &[u8] {
        // `new` and `finish` guarantee the length fits in the array.
        self.bytes
            .get(..self.algorithm.output_len())
            .unwrap_or(&self.bytes)
    }
}

impl core::fmt::Debug for Digest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}:{}",
            self.algorithm.rekor_name(),
            crate::encoding::hex_encode(self.as_bytes())
        )
    }
}

/// A streaming hash, for artifacts too large to hold in memory.
#[derive(Clone)]
pub struct Hasher {
    algorithm: HashAlgorithm,
    ctx: provider::HashContext,
}

impl Hasher {
    /// Starts a hash.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        Self {
            algorithm,
            ctx: provider::HashContext::new(algorithm),
        }
    }

    /// The algorithm being computed.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    /// Finishes the hash.
    pub fn finish(self) -> Digest {
        let mut bytes = [0u8; 64];
        self.ctx.finish(&mut bytes);
        Digest {
            algorithm: self.algorithm,
            bytes,
        }
    }
}

#[cfg(feature = "std")]
impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 of `data` as an array (Merkle trees, log IDs, key hashes).
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    sha256_parts(&[data])
}

/// SHA-256 over several slices, as if concatenated.
pub(crate) fn sha256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = provider::HashContext::new(HashAlgorithm::Sha256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 64];
    ctx.finish(&mut out);
    let mut sha256 = [0u8; 32];
    copy_prefix(&mut sha256, &out);
    sha256
}

/// Copies as much of `src` as fits to the start of `dst` (digest buffers; never panics).
fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// Constant-time comparison for secrets is not needed here (everything compared is public),
/// but equal-length checks must not be forgotten; this is the one place that does both.
pub(crate) fn bytes_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a == b
}

/// The type of a public key, as far as verification cares.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA over NIST P-256.
    EcdsaP256,
    /// ECDSA over NIST P-384.
    EcdsaP384,
    /// Ed25519.
    Ed25519,
    /// RSA (2048–8192 bits, as ring accepts).
    Rsa,
}

impl KeyType {
    /// The length of the raw key a signature check takes (the SPKI's subjectPublicKey): an
    /// uncompressed EC point (the only form ring accepts, so the only form either provider
    /// accepts) or a 32-byte Ed25519 key; RSA keys vary.
    pub(crate) const fn raw_key_len(self) -> Option<usize> {
        match self {
            Self::EcdsaP256 => Some(65),
            Self::EcdsaP384 => Some(97),
            Self::Ed25519 => Some(32),
            Self::Rsa => None,
        }
    }
}

/// A public key that signatures can be checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key_type: KeyType,
    /// The encoding the key came in: DER SubjectPublicKeyInfo, or PKCS#1 for trust-root RSA
    /// keys declared `PKCS1_RSA_PKCS1V5`. Compared byte-for-byte when binding log entries.
    der: Vec<u8>,
    /// What ring wants: the uncompressed EC point, the PKCS#1 RSAPublicKey, or the raw
    /// Ed25519 key.
    raw: Vec<u8>,
    /// The key's own precomputed table, once [`PublicKey::precompute_table`] ran.
    own_table: OwnTable,
}

/// A precomputed table for an ECDSA key known in advance (a trust root's logs and
/// authorities): the same verdicts as without it, in less time (`nistp256`, `nistp384`).
#[derive(Clone, Debug)]
pub(crate) enum KeyTable {
    P256(nistp256::KeyTable),
    P384(nistp384::KeyTable),
}

impl KeyTable {
    fn p256(&self) -> Option<&nistp256::KeyTable> {
        match self {
            Self::P256(t) => Some(t),
            Self::P384(_) => None,
        }
    }

    fn p384(&self) -> Option<&nistp384::KeyTable> {
        match self {
            Self::P384(t) => Some(t),
            Self::P256(_) => None,
        }
    }
}

/// A key's table, derived from the key alone: a cache, so keys compare equal whether or not
/// theirs was built. Shared, so cloning a key does not copy it.
#[derive(Clone, Debug, Default)]
struct OwnTable(Option<alloc::sync::Arc<KeyTable>>);

impl PartialEq for OwnTable {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for OwnTable {}

const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

impl PublicKey {
    /// Parses a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let invalid = |reason| Error::PublicKeyInvalid { reason };
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|_| invalid("not a DER SubjectPublicKeyInfo"))?;
        let raw = spki
            .subject_public_key
            .as_bytes()
            .ok_or(invalid("public key bit string has unused bits"))?;
        let key_type = match spki.algorithm.oid {
            OID_EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                    .ok_or(invalid("EC key without a named curve"))?;
                match curve {
                    OID_P256 => KeyType::EcdsaP256,
                    OID_P384 => KeyType::EcdsaP384,
                    _ => return Err(invalid("elliptic curve other than P-256/P-384")),
                }
            }
            OID_ED25519 => KeyType::Ed25519,
            OID_RSA => KeyType::Rsa,
            _ => return Err(invalid("unsupported public key algorithm")),
        };
        if key_type.raw_key_len().is_some_and(|len| raw.len() != len) {
            return Err(invalid("public key has the wrong length for its type"));
        }
        Ok(Self {
            key_type,
            der: der.to_vec(),
            raw: raw.to_vec(),
            own_table: OwnTable::default(),
        })
    }

    /// Parses a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let der = crate::pem::decode_one(pem, "PUBLIC KEY").ok_or(Error::PublicKeyInvalid {
            reason: "not a PEM PUBLIC KEY block",
        })?;
        Self::from_spki_der(&der)
    }

    /// A PKCS#1 `RSAPublicKey` (trust roots declare such keys as `PKCS1_RSA_PKCS1V5`).
    pub(crate) fn from_pkcs1_rsa(der: &[u8]) -> Result<Self, Error> {
        // Let ring judge the structure: it rejects anything that is not a sane RSA key when
        // verifying, and we refuse obviously empty input here.
        if der.is_empty() {
            return Err(Error::PublicKeyInvalid {
                reason: "empty RSA key",
            });
        }
        Ok(Self {
            key_type: KeyType::Rsa,
            der: der.to_vec(),
            raw: der.to_vec(),
            own_table: OwnTable::default(),
        })
    }

    /// Whether the key came as a bare PKCS#1 `RSAPublicKey` (trust-root `PKCS1_RSA_PKCS1V5`)
    /// rather than an SPKI: only then is the encoding itself what ring consumes.
    pub(crate) fn is_pkcs1_rsa(&self) -> bool {
        self.key_type == KeyType::Rsa && self.der == self.raw
    }

    /// A precomputed table for a P-384 key that will check many signatures; `None` for other
    /// key types and for keys that already have a static table (the embedded trust root's).
    pub(crate) fn p384_key_table(&self) -> Option<KeyTable> {
        (self.key_type == KeyType::EcdsaP384)
            .then(|| nistp384::KeyTable::build_unless_static(&self.raw))
            .flatten()
            .map(KeyTable::P384)
    }

    /// Builds this key's own table (P-256 and P-384 keys without a static one), so that its
    /// later checks skip most doublings: for keys that verify many signatures (a loaded trust
    /// root's logs). Returns whether a table was built.
    pub(crate) fn precompute_table(&mut self) -> bool {
        let table = match self.key_type {
            // Only the RustCrypto provider checks P-256 with ours (see `verify_with_tables`).
            KeyType::EcdsaP256 if !cfg!(feature = "ring") => {
                nistp256::KeyTable::build_unless_static(&self.raw).map(KeyTable::P256)
            }
            KeyType::EcdsaP256 => None,
            KeyType::EcdsaP384 => {
                nistp384::KeyTable::build_unless_static(&self.raw).map(KeyTable::P384)
            }
            KeyType::Ed25519 | KeyType::Rsa => None,
        };
        self.own_table = OwnTable(table.map(alloc::sync::Arc::new));
        self.own_table.0.is_some()
    }

    /// The key type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The key as it was encoded (SPKI DER, or PKCS#1 for trust-root RSA keys).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The hash a signature by this key uses unless told otherwise (Sigstore algorithm
    /// registry): P-256 and RSA → SHA-256, P-384 → SHA-384; Ed25519 signs messages itself.
    pub(crate) fn default_hash(&self) -> HashAlgorithm {
        match self.key_type {
            KeyType::EcdsaP384 => HashAlgorithm::Sha384,
            KeyType::Ed25519 => HashAlgorithm::Sha512,
            KeyType::EcdsaP256 | KeyType::Rsa => HashAlgorithm::Sha256,
        }
    }

    /// Verifies `signature` over `message` with the given hash (ignored for Ed25519, which is
    /// always pure Ed25519 here). ECDSA signatures are ASN.1 DER; RSA is PKCS#1 v1.5.
    pub(crate) fn verify(
        &self,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        self.verify_with_tables(hash, message, signature, &[])
    }

    /// [`PublicKey::verify`], with P-384 tables for keys known in advance (a trust root's
    /// timestamping authority).
    pub(crate) fn verify_with_tables(
        &self,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
        key_tables: &[KeyTable],
    ) -> Result<(), SignatureError> {
        let tables = key_tables.iter().chain(self.own_table.0.as_deref());
        match (self.key_type, hash) {
            // Both providers: ours is several times faster than either (`nistp384`).
            (KeyType::EcdsaP384, HashAlgorithm::Sha256 | HashAlgorithm::Sha384) => verify_p384(
                &self.raw,
                hash.digest(message).as_bytes(),
                signature,
                tables.filter_map(KeyTable::p384),
            ),
            // With ring, ring: its assembly beats ours even with a key table (60 vs 67 µs,
            // `BENCHMARKS.md`, issue 17). With RustCrypto, ours: 67 µs with a table (the
            // embedded root's logs, a loaded root's), 154 µs without, RustCrypto 268 µs.
            (KeyType::EcdsaP256, HashAlgorithm::Sha256 | HashAlgorithm::Sha384)
                if !cfg!(feature = "ring") =>
            {
                verify_p256(
                    &self.raw,
                    hash.digest(message).as_bytes(),
                    signature,
                    tables.filter_map(KeyTable::p256),
                )
            }
            _ => provider::verify(self.key_type, hash, &self.raw, message, signature),
        }
    }

    /// Verifies an ECDSA signature (ASN.1 DER) over a digest computed by the caller.
    pub(crate) fn verify_prehashed(
        &self,
        digest: &Digest,
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        let tables = self.own_table.0.as_deref().into_iter();
        let prehash = digest.as_bytes();
        match self.key_type {
            // Ours for both curves: ring cannot take a digest, and ours is faster than
            // RustCrypto's (P-256: 154 vs 268 µs, `BENCHMARKS.md`, issue 17).
            KeyType::EcdsaP256 => verify_p256(
                &self.raw,
                prehash,
                signature,
                tables.filter_map(KeyTable::p256),
            ),
            KeyType::EcdsaP384 => verify_p384(
                &self.raw,
                prehash,
                signature,
                tables.filter_map(KeyTable::p384),
            ),
            KeyType::Ed25519 | KeyType::Rsa => Err(SignatureError::Unsupported),
        }
    }
}

/// ECDSA (ASN.1 DER signature) over a digest, with core's own verifiers (the `rustcrypto`
/// provider's ECDSA checks): `raw` is the uncompressed point. Ed25519 (pure) and RSA need the
/// message itself.
#[cfg_attr(feature = "ring", allow(dead_code))]
fn verify_ecdsa_prehashed(
    key_type: KeyType,
    raw: &[u8],
    prehash: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    match key_type {
        KeyType::EcdsaP256 => verify_p256(raw, prehash, signature, None),
        KeyType::EcdsaP384 => verify_p384(raw, prehash, signature, None),
        KeyType::Ed25519 | KeyType::Rsa => Err(SignatureError::Unsupported),
    }
}

/// ECDSA P-256 (ASN.1 DER signature) over a digest, with `nistp256` (and the tables of keys
/// known in advance).
fn verify_p256<'a>(
    raw: &[u8],
    prehash: &[u8],
    signature: &[u8],
    key_tables: impl IntoIterator<Item = &'a nistp256::KeyTable>,
) -> Result<(), SignatureError> {
    if nistp256::verify_prehashed(raw, prehash, signature, key_tables) {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

/// ECDSA P-384 (ASN.1 DER signature) over a digest, with `nistp384` (and the tables of keys
/// known in advance).
fn verify_p384<'a>(
    raw: &[u8],
    prehash: &[u8],
    signature: &[u8],
    key_tables: impl IntoIterator<Item = &'a nistp384::KeyTable>,
) -> Result<(), SignatureError> {
    if nistp384::verify_prehashed(raw, prehash, signature, key_tables) {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

/// Benchmark and fuzzing hooks for one of core's own ECDSA verifiers (re-exported by
/// `__bench`; not API).
macro_rules! ecdsa_bench_hooks {
    ($(#[$doc:meta])* $name:ident, $module:ident) => {
        $(#[$doc])*
        pub mod $name {
            use super::$module::{verify_prehashed, KeyTable};

            /// One verification over a digest, the key's table built on the fly unless the
            /// key is one of the embedded trust root's.
            pub fn verify(point: &[u8], digest: &[u8], signature: &[u8]) -> bool {
                verify_prehashed(point, digest, signature, None)
            }

            /// A key's precomputed table, as a loaded trust root holds it.
            pub struct Table(KeyTable);

            impl Table {
                /// Builds the table; `None` if `point` is not an uncompressed point.
                pub fn new(point: &[u8]) -> Option<Self> {
                    KeyTable::build(point).map(Self)
                }

                /// One verification with this table.
                pub fn verify(&self, point: &[u8], digest: &[u8], signature: &[u8]) -> bool {
                    verify_prehashed(point, digest, signature, Some(&self.0))
                }
            }
        }
    };
}

ecdsa_bench_hooks! {
    /// Benchmark hooks for the P-256 verifier (`nistp256`).
    p256_bench, nistp256
}

ecdsa_bench_hooks! {
    /// Benchmark hooks for the P-384 verifier (`nistp384`).
    p384_bench, nistp384
}

/// ECDSA P-384 in certificate chains (webpki hands over the subjectPublicKey, the signed
/// bytes and the signature), for both providers.
#[derive(Debug)]
struct P384ChainAlgorithm {
    signature_alg_id: rustls_pki_types::AlgorithmIdentifier,
    hash: HashAlgorithm,
}

impl SignatureVerificationAlgorithm for P384ChainAlgorithm {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), rustls_pki_types::InvalidSignature> {
        verify_p384(
            public_key,
            self.hash.digest(message).as_bytes(),
            signature,
            &[],
        )
        .map_err(|_| rustls_pki_types::InvalidSignature)
    }

    fn public_key_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        rustls_pki_types::alg_id::ECDSA_P384
    }

    fn signature_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.signature_alg_id
    }
}

/// ECDSA P-384 with SHA-256 in certificate chains.
static ECDSA_P384_SHA256: P384ChainAlgorithm = P384ChainAlgorithm {
    signature_alg_id: rustls_pki_types::alg_id::ECDSA_SHA256,
    hash: HashAlgorithm::Sha256,
};
/// ECDSA P-384 with SHA-384 in certificate chains.
static ECDSA_P384_SHA384: P384ChainAlgorithm = P384ChainAlgorithm {
    signature_alg_id: rustls_pki_types::alg_id::ECDSA_SHA384,
    hash: HashAlgorithm::Sha384,
};

/// Why a low-level signature check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureError {
    /// The key/hash combination is not supported.
    Unsupported,
    /// The signature is wrong (or malformed).
    Invalid,
}

/// A signature inside a trust root's own certificate chain that verified once: which chain
/// algorithm, and the exact issuer key, signed bytes and signature it verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RememberedSignature {
    algorithm: usize,
    public_key: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

impl RememberedSignature {
    /// Verifies a certificate signature the way webpki does (the chain algorithm is chosen by
    /// the certificate's `signatureAlgorithm` and the issuer's SPKI algorithm, both given as
    /// the contents of their AlgorithmIdentifier) and remembers it if it verifies.
    pub(crate) fn check(
        signature_alg_id: &[u8],
        public_key_alg_id: &[u8],
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Option<Self> {
        let remembered = Self::vouched(
            signature_alg_id,
            public_key_alg_id,
            public_key,
            message,
            signature,
        )?;
        CHAIN_SIGNATURE_ALGORITHMS
            .get(remembered.algorithm)?
            .verify_signature(public_key, message, signature)
            .ok()?;
        Some(remembered)
    }

    /// The same record without verifying now: only for signatures whose every byte is pinned
    /// by hash and was verified when the pin was recorded (the embedded trust root's chain,
    /// proven by a test on every run). `None` if no chain algorithm matches.
    pub(crate) fn vouched(
        signature_alg_id: &[u8],
        public_key_alg_id: &[u8],
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Option<Self> {
        let algorithm = CHAIN_SIGNATURE_ALGORITHMS.iter().position(|alg| {
            alg.signature_alg_id().as_ref() == signature_alg_id
                && alg.public_key_alg_id().as_ref() == public_key_alg_id
        })?;
        Some(Self {
            algorithm,
            public_key: public_key.to_vec(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        })
    }
}

/// The chain algorithms, each answering at once for inputs it is known to have verified
/// before (`remembered`) and verifying everything else. Verification is a pure function of
/// algorithm, key, message and signature, so the verdicts are exactly those of
/// [`CHAIN_SIGNATURE_ALGORITHMS`]; only the repeated work is skipped.
///
/// P-384 checks use `key_tables` (a loaded root's keys' precomputed tables) when the issuer's
/// key is one of them: the same verdicts, less work.
pub(crate) fn remembering_chain_algorithms<'a>(
    remembered: &'a [RememberedSignature],
    key_tables: &'a [KeyTable],
) -> [RememberingAlgorithm<'a>; CHAIN_ALGORITHM_COUNT] {
    let mut algorithm = 0;
    CHAIN_SIGNATURE_ALGORITHMS.map(|inner| {
        let p384 = [&ECDSA_P384_SHA256, &ECDSA_P384_SHA384]
            .into_iter()
            .find(|p| {
                inner.signature_alg_id() == p.signature_alg_id
                    && inner.public_key_alg_id() == rustls_pki_types::alg_id::ECDSA_P384
            })
            .map(|p| p.hash);
        let remembering = RememberingAlgorithm {
            algorithm,
            inner,
            remembered,
            p384,
            key_tables,
        };
        algorithm += 1;
        remembering
    })
}

/// One of [`CHAIN_SIGNATURE_ALGORITHMS`] with the signatures it verified once.
#[derive(Debug)]
pub(crate) struct RememberingAlgorithm<'a> {
    algorithm: usize,
    inner: &'static dyn SignatureVerificationAlgorithm,
    remembered: &'a [RememberedSignature],
    /// For the P-384 algorithms: their hash, to check with `key_tables`.
    p384: Option<HashAlgorithm>,
    key_tables: &'a [KeyTable],
}

impl SignatureVerificationAlgorithm for RememberingAlgorithm<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), rustls_pki_types::InvalidSignature> {
        let known = self.remembered.iter().any(|r| {
            r.algorithm == self.algorithm
                && r.signature == signature
                && r.public_key == public_key
                && r.message == message
        });
        if known {
            return Ok(());
        }
        if let Some(hash) = self.p384 {
            let digest = hash.digest(message);
            let tables = self.key_tables.iter().filter_map(KeyTable::p384);
            return verify_p384(public_key, digest.as_bytes(), signature, tables)
                .map_err(|_| rustls_pki_types::InvalidSignature);
        }
        self.inner.verify_signature(public_key, message, signature)
    }

    fn public_key_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.inner.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> rustls_pki_types::AlgorithmIdentifier {
        self.inner.signature_alg_id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn sha256_known_answer() {
        let d = HashAlgorithm::Sha256.digest(b"abc");
        assert_eq!(
            crate::encoding::hex_encode(d.as_bytes()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256(b"abc"),
            *<&[u8; 32]>::try_from(d.as_bytes()).unwrap()
        );
        assert_eq!(sha256_parts(&[b"a", b"bc"]), sha256(b"abc"));
    }

    #[test]
    fn digest_length_must_match_algorithm() {
        assert!(Digest::new(HashAlgorithm::Sha256, &[0; 31]).is_none());
        assert!(Digest::new(HashAlgorithm::Sha384, &[0; 48]).is_some());
    }

    const MESSAGE: &[u8] = include_bytes!("../tests/data/keys/message.txt");

    fn key(pem: &[u8]) -> PublicKey {
        PublicKey::from_pem(core::str::from_utf8(pem).unwrap()).unwrap()
    }

    #[test]
    #[cfg(feature = "ring")]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn managed_rsa_keys_verify_pkcs1_and_pss() {
        let rsa = key(include_bytes!("../tests/data/keys/rsa.pub"));
        assert_eq!(rsa.key_type(), KeyType::Rsa);
        for sig in [
            &include_bytes!("../tests/data/keys/rsa-pkcs1.sig")[..],
            &include_bytes!("../tests/data/keys/rsa-pss.sig")[..],
        ] {
            assert_eq!(rsa.verify(HashAlgorithm::Sha256, MESSAGE, sig), Ok(()));
            assert_eq!(
                rsa.verify(HashAlgorithm::Sha256, b"other message", sig),
                Err(SignatureError::Invalid)
            );
        }
        // RSA cannot be checked from a digest here (ring hashes the message itself).
        let digest = HashAlgorithm::Sha256.digest(MESSAGE);
        let sig = include_bytes!("../tests/data/keys/rsa-pkcs1.sig");
        assert_eq!(
            rsa.verify_prehashed(&digest, sig),
            Err(SignatureError::Unsupported)
        );
    }

    /// The pure-Rust provider has no RSA: the keys parse, and every check fails closed as
    /// unsupported, valid signature or not.
    #[test]
    #[cfg(not(feature = "ring"))]
    fn rustcrypto_provider_refuses_rsa() {
        let rsa = key(include_bytes!("../tests/data/keys/rsa.pub"));
        assert_eq!(rsa.key_type(), KeyType::Rsa);
        let sig = include_bytes!("../tests/data/keys/rsa-pkcs1.sig");
        assert_eq!(
            rsa.verify(HashAlgorithm::Sha256, MESSAGE, sig),
            Err(SignatureError::Unsupported)
        );
        assert_eq!(CHAIN_SIGNATURE_ALGORITHMS.len(), 5);
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn managed_ed25519_and_p384_keys() {
        let ed = key(include_bytes!("../tests/data/keys/ed25519.pub"));
        assert_eq!(ed.key_type(), KeyType::Ed25519);
        let sig = include_bytes!("../tests/data/keys/ed25519.sig");
        assert_eq!(ed.verify(HashAlgorithm::Sha512, MESSAGE, sig), Ok(()));
        assert_eq!(
            ed.verify(HashAlgorithm::Sha512, b"x", sig),
            Err(SignatureError::Invalid)
        );

        let p384 = key(include_bytes!("../tests/data/keys/p384.pub"));
        assert_eq!(p384.key_type(), KeyType::EcdsaP384);
        assert_eq!(p384.default_hash(), HashAlgorithm::Sha384);
        let sig = include_bytes!("../tests/data/keys/p384-sha384.sig");
        assert_eq!(p384.verify(HashAlgorithm::Sha384, MESSAGE, sig), Ok(()));
        // The same signature checked from a SHA-384 digest (the streaming path).
        let digest = HashAlgorithm::Sha384.digest(MESSAGE);
        assert_eq!(p384.verify_prehashed(&digest, sig), Ok(()));
        let wrong = HashAlgorithm::Sha384.digest(b"x");
        assert_eq!(
            p384.verify_prehashed(&wrong, sig),
            Err(SignatureError::Invalid)
        );
    }

    #[test]
    fn rejects_garbage_keys() {
        assert!(PublicKey::from_spki_der(b"").is_err());
        assert!(PublicKey::from_spki_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(PublicKey::from_pem(
            "-----BEGIN PUBLIC KEY-----\nwrongkey==\n-----END PUBLIC KEY-----\n"
        )
        .is_err());
    }

    /// A remembered signature answers only for its exact algorithm, key, message and
    /// signature. The remembered inputs here are not a valid signature at all, so an `Ok`
    /// can only come from the memory, and any other input goes to ring and fails.
    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn remembered_signatures_match_exactly() {
        let remembered = [RememberedSignature {
            algorithm: 3,
            public_key: b"key".to_vec(),
            message: b"message".to_vec(),
            signature: b"signature".to_vec(),
        }];
        let algs = remembering_chain_algorithms(&remembered, &[]);
        let verifies = |alg: usize, key: &[u8], message: &[u8], signature: &[u8]| {
            algs[alg].verify_signature(key, message, signature).is_ok()
        };
        assert!(verifies(3, b"key", b"message", b"signature"));
        assert!(!verifies(2, b"key", b"message", b"signature"));
        assert!(!verifies(3, b"kez", b"message", b"signature"));
        assert!(!verifies(3, b"key", b"messagf", b"signature"));
        assert!(!verifies(3, b"key", b"message", b"signaturf"));
        for (alg, inner) in algs.iter().zip(CHAIN_SIGNATURE_ALGORITHMS) {
            assert_eq!(alg.signature_alg_id(), inner.signature_alg_id());
            assert_eq!(alg.public_key_alg_id(), inner.public_key_alg_id());
        }
    }
}
