//! TUF keys and signature thresholds.
//!
//! Key IDs are opaque labels here, not recomputed from the key: python-tuf, go-tuf (and so
//! sigstore-go and sigstore-python) do not recompute them, and Sigstore's own roots carry key
//! IDs that are no hash of any form of their key (root v5 onwards; root-signing issues #1431 and
//! #1435, awslabs/tough#946). What recomputing would protect against — one key counted twice
//! under two IDs — is prevented directly: signatures are counted per distinct key *material*,
//! so a key counts once however many IDs name it and however many signatures it made.

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{HashAlgorithm, KeyType, PublicKey};
use crate::encoding::hex_decode;

/// A key that can verify signatures of its scheme.
#[derive(Clone, Debug)]
pub(crate) struct VerifyingKey {
    key: PublicKey,
    hash: HashAlgorithm,
}

/// SubjectPublicKeyInfo prefixes for keys published raw (hex), as securesystemslib wrote them
/// in Sigstore's roots v1–v4 (uncompressed EC points) and as it writes Ed25519 keys.
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const P384_SPKI_PREFIX: &[u8] = &[
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];
const ED25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

impl VerifyingKey {
    /// The key a TUF key object describes, or `None` when it is of a type or scheme we do not
    /// verify (RSA, unknown schemes) or its material does not parse. Such a key is tolerated in
    /// metadata, as TUF requires, but none of its signatures ever counts.
    pub(crate) fn from_tuf(keytype: &str, scheme: &str, public: &str) -> Option<Self> {
        let (key_type, hash, spki_prefix) = match (keytype, scheme) {
            ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => {
                (KeyType::EcdsaP256, HashAlgorithm::Sha256, P256_SPKI_PREFIX)
            }
            ("ecdsa" | "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384") => {
                (KeyType::EcdsaP384, HashAlgorithm::Sha384, P384_SPKI_PREFIX)
            }
            // Pure Ed25519 signs the message itself; the hash is not used.
            ("ed25519", "ed25519") => {
                (KeyType::Ed25519, HashAlgorithm::Sha512, ED25519_SPKI_PREFIX)
            }
            _ => return None,
        };
        let key = if public.contains("-----BEGIN") {
            PublicKey::from_pem(public).ok()?
        } else {
            let raw = hex_decode(public)?;
            let mut spki = Vec::with_capacity(spki_prefix.len() + raw.len());
            spki.extend_from_slice(spki_prefix);
            spki.extend_from_slice(&raw);
            PublicKey::from_spki_der(&spki).ok()?
        };
        // The scheme decides the algorithm: a PEM key of another curve does not fit it.
        (key.key_type() == key_type).then_some(Self { key, hash })
    }

    /// The key's SubjectPublicKeyInfo: its identity when counting signers.
    fn material(&self) -> &[u8] {
        self.key.der()
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(self.hash, message, signature).is_ok()
    }
}

/// The keys a metadata file defines (`root.keys`, `delegations.keys`), by key ID.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyTable {
    /// `None` for keys we cannot verify with (tolerated, never counted).
    pub(crate) keys: Vec<(String, Option<VerifyingKey>)>,
}

impl KeyTable {
    fn get(&self, keyid: &str) -> Option<&VerifyingKey> {
        self.keys
            .iter()
            .find(|(id, _)| id == keyid)
            .and_then(|(_, key)| key.as_ref())
    }

    /// The distinct key materials of `keyids`, in no particular order.
    fn materials<'a>(&'a self, keyids: &'a [String]) -> Vec<&'a [u8]> {
        let mut out: Vec<&[u8]> = Vec::new();
        for key in keyids.iter().filter_map(|id| self.get(id)) {
            if !out.contains(&key.material()) {
                out.push(key.material());
            }
        }
        out
    }

    /// Whether `keyids` here and `other_keyids` in `other` name the same set of usable keys
    /// (at most [`crate::limits::MAX_TUF_KEYS`] each, so comparing pairwise is cheap).
    pub(crate) fn same_keys(
        &self,
        keyids: &[String],
        other: &Self,
        other_keyids: &[String],
    ) -> bool {
        let (mine, theirs) = (self.materials(keyids), other.materials(other_keyids));
        mine.len() == theirs.len() && mine.iter().all(|m| theirs.contains(m))
    }
}

/// A role's keys and threshold (`roles.<name>` in root, a delegation in targets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RoleKeys {
    pub(crate) keyids: Vec<String>,
    pub(crate) threshold: u64,
}

/// One entry of `signatures`. `sig` is the hex-decoded signature, empty when it was not hex
/// (Sigstore's roots v12–v14 carry empty `sig` strings for keys that did not sign).
#[derive(Clone, Debug)]
pub(crate) struct Signature {
    pub(crate) keyid: String,
    pub(crate) sig: Vec<u8>,
}

/// How many distinct keys of `role` (looked up in `keys`) made a valid signature over
/// `message`. Each signature is checked at most once, and only while its key has not counted
/// yet, so the work is bounded by the number of signatures.
pub(crate) fn count_signers(
    message: &[u8],
    signatures: &[Signature],
    keys: &KeyTable,
    role: &RoleKeys,
) -> usize {
    let mut counted: Vec<&[u8]> = Vec::new();
    for signature in signatures {
        if !role.keyids.contains(&signature.keyid) {
            continue;
        }
        let Some(key) = keys.get(&signature.keyid) else {
            continue;
        };
        if counted.contains(&key.material()) || signature.sig.is_empty() {
            continue;
        }
        if key.verifies(message, &signature.sig) {
            counted.push(key.material());
        }
    }
    counted.len()
}

/// Whether `role` is met: at least `threshold` distinct keys signed.
pub(crate) fn threshold_met(valid: usize, role: &RoleKeys) -> bool {
    u64::try_from(valid).is_ok_and(|valid| valid >= role.threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM_P256: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWRiGr5+j+3J5SsH+Ztr5nE2H2wO7\nBV+nO3s93gLca18qTOzHY1oWyAGDykMSsGTUBSt9D+An0KfKsD2mfSM42Q==\n-----END PUBLIC KEY-----\n";

    #[test]
    fn parses_sigstore_key_forms() {
        let pem = VerifyingKey::from_tuf("ecdsa", "ecdsa-sha2-nistp256", PEM_P256).unwrap();
        assert_eq!(pem.key.key_type(), KeyType::EcdsaP256);
        // Root v1's hex form of a key gives the same SPKI as a PEM of it would.
        let hex_point = "04cbc5cab2684160323c25cd06c3307178a6b1d1c9b949328453ae473c5ba7527e35b13f298b41633382241f3fd8526c262d43b45adee5c618fa0642c82b8a9803";
        let hex = VerifyingKey::from_tuf("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", hex_point)
            .unwrap();
        assert_eq!(
            &hex.material()[P256_SPKI_PREFIX.len()..],
            &hex_decode(hex_point).unwrap()[..]
        );
    }

    #[test]
    fn unusable_keys_are_none() {
        // A P-256 key under a P-384 scheme, unknown types and schemes, bad material.
        assert!(VerifyingKey::from_tuf("ecdsa", "ecdsa-sha2-nistp384", PEM_P256).is_none());
        assert!(VerifyingKey::from_tuf("rsa", "rsassa-pss-sha256", PEM_P256).is_none());
        assert!(VerifyingKey::from_tuf("ecdsa", "ecdsa-sha2-nistp256", "zz").is_none());
        assert!(VerifyingKey::from_tuf("ecdsa", "ecdsa-sha2-nistp256", "04ab").is_none());
        assert!(VerifyingKey::from_tuf("ed25519", "ed25519", "00").is_none());
    }
}
