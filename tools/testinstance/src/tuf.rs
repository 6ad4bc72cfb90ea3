//! A TUF repository for the instance: root, timestamp, snapshot and targets metadata signed
//! with fixed test keys, publishing one target (the instance's `trusted_root.json`, or any
//! bytes), as a private Sigstore deployment would publish its trust root.
//!
//! Metadata is built as JSON values and signed over their canonical form. Test metadata is
//! printable ASCII without control characters, so serde_json's compact output with sorted keys
//! (its default map) *is* the OLPC canonical JSON TUF signs; nothing here needs a
//! canonicaliser of its own.
//!
//! ```
//! use edgeverify_testinstance::tuf::Repo;
//!
//! let repo = Repo::new(br#"{"mediaType":"test"}"#.to_vec());
//! let first_root = repo.root(1); // what a device is given to start from
//! let update = repo.update_dir(1); // timestamp, snapshot, targets and the target
//! assert!(update.files.contains_key("targets/trusted_root.json"));
//! # let _ = first_root;
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use p256::ecdsa::signature::Signer as _;
use serde_json::{json, Value};

use crate::crypto::hex;
use crate::fulcio::sha256_32;

/// Far enough in the future that no test meets it.
pub const FAR_EXPIRY: &str = "2099-01-01T00:00:00Z";

/// A TUF signing key: ECDSA P-256 (a hex SEC1 public key, as Sigstore's roots v1–v4 list
/// theirs) or Ed25519. Deterministic: the same seed is the same key.
#[derive(Clone)]
pub enum Key {
    /// ECDSA P-256 (`ecdsa-sha2-nistp256`), DER signatures.
    P256(p256::ecdsa::SigningKey),
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
}

impl Key {
    /// The P-256 key whose scalar is 0x11…11‖`seed`.
    ///
    /// # Panics
    /// Never: such a scalar is a valid P-256 private key for every seed.
    pub fn p256(seed: u8) -> Self {
        let mut scalar = [0x11u8; 32];
        if let Some(last) = scalar.last_mut() {
            *last = seed;
        }
        #[allow(clippy::expect_used)] // invariant above: 0x11…11‖seed is below the group order
        Self::P256(
            p256::ecdsa::SigningKey::from_bytes(&scalar.into()).expect("a valid P-256 scalar"),
        )
    }

    /// The Ed25519 key whose secret is `seed` repeated.
    pub fn ed25519(seed: u8) -> Self {
        Self::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    /// The key as a TUF root lists it (`keys` entry).
    pub fn json(&self) -> Value {
        match self {
            Self::P256(k) => json!({
                "keytype": "ecdsa-sha2-nistp256",
                "scheme": "ecdsa-sha2-nistp256",
                "keyval": {"public": hex(k.verifying_key().to_encoded_point(false).as_bytes())},
            }),
            Self::Ed25519(k) => json!({
                "keytype": "ed25519",
                "scheme": "ed25519",
                "keyval": {"public": hex(k.verifying_key().as_bytes())},
            }),
        }
    }

    /// A hex signature over `message`, as TUF writes it.
    pub fn sign(&self, message: &[u8]) -> String {
        match self {
            Self::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                hex(sig.to_der().as_bytes())
            }
            Self::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                hex(&k.sign(message).to_bytes())
            }
        }
    }
}

/// A metadata file: `{"signatures": […], "signed": signed}`, signed by each `(keyid, key)`
/// over the canonical form of `signed`, pretty-printed as repositories publish it.
pub fn sign(signed: &Value, signers: &[(&str, &Key)]) -> Vec<u8> {
    // serde_json's `Value` keeps object keys sorted and its compact output has no whitespace:
    // the canonical form for the ASCII metadata built here.
    let message = serde_json::to_vec(signed).unwrap_or_default();
    let signatures: Vec<Value> = signers
        .iter()
        .map(|(id, key)| json!({"keyid": id, "sig": key.sign(&message)}))
        .collect();
    serde_json::to_vec_pretty(&json!({"signatures": signatures, "signed": signed}))
        .unwrap_or_default()
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha256_32(bytes))
}

/// The files of an update directory, by their names in it (`timestamp.json`,
/// `targets/trusted_root.json`, `2.root.json`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateDir {
    /// Name → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl UpdateDir {
    /// Adds (or replaces) a file.
    #[must_use]
    pub fn with(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.files.insert(name.to_owned(), bytes);
        self
    }

    /// Writes every file under `dir` (subdirectories created).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }
}

/// A repository with one key per top-level role (key IDs `root`, `timestamp`, `snapshot`,
/// `targets`), threshold 1 each, no consistent snapshots, and one target,
/// `trusted_root.json`.
#[derive(Clone)]
pub struct Repo {
    /// The root role's key.
    pub root: Key,
    /// The timestamp role's key.
    pub timestamp: Key,
    /// The snapshot role's key.
    pub snapshot: Key,
    /// The targets role's key.
    pub targets: Key,
    /// The bytes published as `trusted_root.json`.
    pub target: Vec<u8>,
}

impl Repo {
    /// P-256 keys with seeds 1–4, publishing `target`.
    pub fn new(target: Vec<u8>) -> Self {
        Self {
            root: Key::p256(1),
            timestamp: Key::p256(2),
            snapshot: Key::p256(3),
            targets: Key::p256(4),
            target,
        }
    }

    /// The `signed` part of root version `version` with this repository's keys.
    pub fn root_signed(&self, version: u64) -> Value {
        let role = |id: &str| json!({"keyids": [id], "threshold": 1});
        json!({
            "_type": "root", "spec_version": "1.0", "version": version, "expires": FAR_EXPIRY,
            "consistent_snapshot": false,
            "keys": {
                "root": self.root.json(), "timestamp": self.timestamp.json(),
                "snapshot": self.snapshot.json(), "targets": self.targets.json(),
            },
            "roles": {
                "root": role("root"), "timestamp": role("timestamp"),
                "snapshot": role("snapshot"), "targets": role("targets"),
            },
        })
    }

    /// Root version `version`, signed by this repository's root key.
    pub fn root(&self, version: u64) -> Vec<u8> {
        sign(&self.root_signed(version), &[("root", &self.root)])
    }

    /// timestamp v`version` → snapshot v`version` → targets v`version` → the target.
    pub fn update_dir(&self, version: u64) -> UpdateDir {
        self.update_dir_with(version, |_| {})
    }

    /// [`Repo::update_dir`] with the targets' `signed` changed before it is signed.
    pub fn update_dir_with(&self, version: u64, change: impl FnOnce(&mut Value)) -> UpdateDir {
        let mut signed = json!({
            "_type": "targets", "spec_version": "1.0", "version": version,
            "expires": FAR_EXPIRY,
            "targets": {"trusted_root.json": {
                "length": self.target.len(),
                "hashes": {"sha256": sha256_hex(&self.target)},
            }},
        });
        change(&mut signed);
        let targets = sign(&signed, &[("targets", &self.targets)]);
        let snapshot = sign(
            &json!({
                "_type": "snapshot", "spec_version": "1.0", "version": version,
                "expires": FAR_EXPIRY, "meta": {"targets.json": {"version": version}},
            }),
            &[("snapshot", &self.snapshot)],
        );
        let timestamp = sign(
            &json!({
                "_type": "timestamp", "spec_version": "1.0", "version": version,
                "expires": FAR_EXPIRY,
                "meta": {"snapshot.json": {
                    "version": version, "length": snapshot.len(),
                    "hashes": {"sha256": sha256_hex(&snapshot)},
                }},
            }),
            &[("timestamp", &self.timestamp)],
        );
        UpdateDir::default()
            .with("timestamp.json", timestamp)
            .with("snapshot.json", snapshot)
            .with("targets.json", targets)
            .with("targets/trusted_root.json", self.target.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_signatures_are_deterministic() {
        let repo = Repo::new(b"x".to_vec());
        assert_eq!(repo.update_dir(3), repo.update_dir(3));
        assert_eq!(repo.root(1), Repo::new(b"y".to_vec()).root(1));
        assert_ne!(repo.root(1), repo.root(2));
        let dir = repo.update_dir(1);
        let names: Vec<&str> = dir.files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "snapshot.json",
                "targets.json",
                "targets/trusted_root.json",
                "timestamp.json"
            ]
        );
    }
}
