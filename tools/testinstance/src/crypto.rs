//! Hashes and keys: SHA-2 in one streaming pass, and deterministic signing keys (ECDSA with
//! RFC 6979 nonces, Ed25519) derived from the instance seed.

use std::io::Read;

use base64::Engine as _;
use der::asn1::{BitString, ObjectIdentifier};
use der::{Any, Encode as _};
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use p256::ecdsa::signature::Signer as _;
use sha2::Digest as _;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::Error;

/// A SHA-2 hash algorithm as Sigstore names it in its different formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// All three, weakest first.
    pub const ALL: [Self; 3] = [Self::Sha256, Self::Sha384, Self::Sha512];

    /// The name in hashedrekord 0.0.1 bodies, in-toto subjects and CLI digests (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// The protobuf enum name (`SHA2_256`), used in bundles and Rekor v2 bodies.
    pub fn proto_name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA2_256",
            Self::Sha384 => "SHA2_384",
            Self::Sha512 => "SHA2_512",
        }
    }

    /// The digest algorithm OID (RFC 5754).
    pub(crate) fn oid(self) -> &'static str {
        match self {
            Self::Sha256 => "2.16.840.1.101.3.4.2.1",
            Self::Sha384 => "2.16.840.1.101.3.4.2.2",
            Self::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }

    /// `H(data)`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// The artifact's digests. An empty vector means "not computed": artifacts given in memory
/// get all three; streamed ones only those their signature needs (plus SHA-256), in one pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digests {
    /// SHA-256, always computed.
    pub sha256: Vec<u8>,
    /// SHA-384.
    pub sha384: Vec<u8>,
    /// SHA-512.
    pub sha512: Vec<u8>,
}

impl Digests {
    /// The digest in `alg` (empty if it was not computed).
    pub fn get(&self, alg: HashAlg) -> &[u8] {
        match alg {
            HashAlg::Sha256 => &self.sha256,
            HashAlg::Sha384 => &self.sha384,
            HashAlg::Sha512 => &self.sha512,
        }
    }

    /// The algorithms that were computed.
    pub fn computed(&self) -> Vec<HashAlg> {
        HashAlg::ALL
            .into_iter()
            .filter(|a| !self.get(*a).is_empty())
            .collect()
    }

    /// All three digests of `data`.
    pub fn of(data: &[u8]) -> Self {
        Self {
            sha256: HashAlg::Sha256.digest(data),
            sha384: HashAlg::Sha384.digest(data),
            sha512: HashAlg::Sha512.digest(data),
        }
    }

    /// SHA-256 and the digests in `algs` of a stream, in one pass with a fixed 1 MiB buffer
    /// (constant memory whatever the size). Returns the digests and the number of bytes read.
    pub fn of_reader(mut reader: impl Read, algs: &[HashAlg]) -> Result<(Self, u64), Error> {
        let mut a = sha2::Sha256::new();
        let mut b = algs.contains(&HashAlg::Sha384).then(sha2::Sha384::new);
        let mut c = algs.contains(&HashAlg::Sha512).then(sha2::Sha512::new);
        let mut buf = vec![0u8; 1 << 20];
        let mut total = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            let chunk = buf.get(..n).unwrap_or_default();
            a.update(chunk);
            if let Some(b) = b.as_mut() {
                b.update(chunk);
            }
            if let Some(c) = c.as_mut() {
                c.update(chunk);
            }
            total += n as u64;
        }
        Ok((
            Self {
                sha256: a.finalize().to_vec(),
                sha384: b.map(|h| h.finalize().to_vec()).unwrap_or_default(),
                sha512: c.map(|h| h.finalize().to_vec()).unwrap_or_default(),
            },
            total,
        ))
    }
}

/// The algorithm of a signing key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlg {
    /// ECDSA P-256 with SHA-256 (Fulcio's default leaf key, Rekor v1, CT, managed keys).
    EcdsaP256,
    /// ECDSA P-384 with SHA-384 (Fulcio CAs, the TSA).
    EcdsaP384,
    /// Ed25519 (Rekor v2 checkpoints).
    Ed25519,
}

impl KeyAlg {
    /// The hash the key signs with (Sigstore's algorithm registry).
    pub fn default_hash(self) -> HashAlg {
        match self {
            Self::EcdsaP256 | Self::Ed25519 => HashAlg::Sha256,
            Self::EcdsaP384 => HashAlg::Sha384,
        }
    }

    /// The trust root / Rekor v2 `keyDetails` name.
    pub fn key_details(self) -> &'static str {
        match self {
            Self::EcdsaP256 => "PKIX_ECDSA_P256_SHA_256",
            Self::EcdsaP384 => "PKIX_ECDSA_P384_SHA_384",
            Self::Ed25519 => "PKIX_ED25519",
        }
    }
}

/// A private key. Signatures are deterministic: ECDSA nonces follow RFC 6979, Ed25519 is
/// deterministic by construction.
#[derive(Clone)]
pub(crate) enum SigningKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_ED25519: &str = "1.3.101.112";
/// ecdsa-with-SHA256 / -SHA384 (RFC 5758).
pub(crate) const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
pub(crate) const OID_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";

impl SigningKey {
    /// A key derived from `material` (a hash of the seed and a label); for ECDSA, a counter is
    /// mixed in until the bytes are a valid scalar (practically always the first try).
    pub(crate) fn derive(alg: KeyAlg, material: &dyn Fn(u32) -> Vec<u8>) -> Result<Self, Error> {
        for counter in 0..64 {
            let bytes = material(counter);
            let key = match alg {
                KeyAlg::EcdsaP256 => {
                    p256::ecdsa::SigningKey::from_slice(bytes.get(..32).unwrap_or_default())
                        .ok()
                        .map(Self::P256)
                }
                KeyAlg::EcdsaP384 => {
                    p384::ecdsa::SigningKey::from_slice(bytes.get(..48).unwrap_or_default())
                        .ok()
                        .map(Self::P384)
                }
                KeyAlg::Ed25519 => {
                    let mut raw = [0u8; 32];
                    for (d, s) in raw.iter_mut().zip(&bytes) {
                        *d = *s;
                    }
                    Some(Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&raw)))
                }
            };
            if let Some(key) = key {
                return Ok(key);
            }
        }
        Err(Error::msg("could not derive a key from the seed"))
    }

    pub(crate) fn alg(&self) -> KeyAlg {
        match self {
            Self::P256(_) => KeyAlg::EcdsaP256,
            Self::P384(_) => KeyAlg::EcdsaP384,
            Self::Ed25519(_) => KeyAlg::Ed25519,
        }
    }

    /// The raw public key: an uncompressed SEC1 point, or the 32 Ed25519 bytes.
    pub(crate) fn raw_public_key(&self) -> Vec<u8> {
        match self {
            Self::P256(k) => k
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec(),
            Self::P384(k) => k
                .verifying_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec(),
            Self::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
        }
    }

    pub(crate) fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, Error> {
        let (alg, params) = match self {
            Self::P256(_) => (OID_EC_PUBLIC_KEY, Some(OID_P256)),
            Self::P384(_) => (OID_EC_PUBLIC_KEY, Some(OID_P384)),
            Self::Ed25519(_) => (OID_ED25519, None),
        };
        let parameters = params
            .map(|p| -> Result<Any, Error> { Ok(Any::from(oid(p)?)) })
            .transpose()?;
        Ok(SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: oid(alg)?,
                parameters,
            },
            subject_public_key: BitString::from_bytes(&self.raw_public_key())?,
        })
    }

    /// DER SubjectPublicKeyInfo.
    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, Error> {
        Ok(self.spki()?.to_der()?)
    }

    /// PEM `PUBLIC KEY`.
    pub(crate) fn public_key_pem(&self) -> Result<String, Error> {
        Ok(pem("PUBLIC KEY", &self.spki_der()?))
    }

    /// ECDSA over `H(message)` with the key's default hash (DER signature), or Ed25519 over
    /// the message.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            Self::P256(_) | Self::P384(_) => {
                self.sign_prehash(&self.alg().default_hash().digest(message))
            }
            Self::Ed25519(k) => Ok(k.sign(message).to_bytes().to_vec()),
        }
    }

    /// ECDSA over `H(message)` with a chosen hash (for example P-384 with SHA-256, as the
    /// Sigstore TSA signs).
    pub(crate) fn sign_with(&self, hash: HashAlg, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.sign_prehash(&hash.digest(message))
    }

    /// ECDSA over a precomputed digest (DER signature).
    pub(crate) fn sign_prehash(&self, digest: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign_prehash(digest)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Self::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(digest)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            Self::Ed25519(_) => Err(Error::msg(
                "Ed25519 cannot sign a digest here (Ed25519ph is not implemented)",
            )),
        }
    }

    /// The X.509 signature algorithm this key signs certificates with.
    pub(crate) fn x509_signature_oid(&self) -> Result<&'static str, Error> {
        match self {
            Self::P256(_) => Ok(OID_ECDSA_SHA256),
            Self::P384(_) => Ok(OID_ECDSA_SHA384),
            Self::Ed25519(_) => Err(Error::msg("Ed25519 CAs are not implemented")),
        }
    }
}

pub(crate) fn oid(dotted: &str) -> Result<ObjectIdentifier, Error> {
    ObjectIdentifier::new(dotted).map_err(|e| Error::msg(format!("OID {dotted}: {e}")))
}

/// Standard base64 with padding.
pub(crate) fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Lowercase hex.
pub(crate) fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// PEM with 64-character lines.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let body = b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_digests_equal_one_shot() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let (streamed, n) = Digests::of_reader(&data[..], &HashAlg::ALL).unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(streamed, Digests::of(&data));
        assert_eq!(hex(&streamed.sha256), hex(&HashAlg::Sha256.digest(&data)),);
    }

    #[test]
    fn pem_wraps_at_64() {
        let p = pem("X", &[0u8; 100]);
        assert!(p.lines().all(|l| l.len() <= 64));
        assert!(p.starts_with("-----BEGIN X-----\n") && p.ends_with("-----END X-----\n"));
    }
}
