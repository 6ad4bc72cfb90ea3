//! The transparency logs. Rekor v1: ECDSA P-256 key, log ID = SHA-256(SPKI), signed entry
//! timestamps (SET), a sharded index (global `logIndex` = shard offset + index in the shard
//! tree) and checkpoints with a `<name> - <treeID>` origin. Rekor v2 (rekor-tiles): Ed25519
//! key, C2SP signed-note key ID, origin = host of the log URL, no SET, no integrated time,
//! optional witness cosignatures.

use crate::crypto::{b64, hex, KeyAlg, SigningKey};
use crate::fulcio::sha256_32;
use crate::merkle::MerkleTree;
use crate::seed::Seed;
use crate::Error;

/// An inclusion proof with its signed checkpoint, as a bundle carries it.
#[derive(Clone, Debug)]
pub(crate) struct Proof {
    pub(crate) log_index: u64,
    pub(crate) root_hash: [u8; 32],
    pub(crate) tree_size: u64,
    pub(crate) hashes: Vec<[u8; 32]>,
    pub(crate) checkpoint: String,
}

/// An entry integrated by a Rekor v1 log.
#[derive(Clone, Debug)]
pub(crate) struct V1Entry {
    /// The global ("virtual") index: what the SET signs and `logIndex` says.
    pub(crate) log_index: u64,
    /// The index inside the active shard's tree: what the inclusion proof uses.
    pub(crate) shard_index: u64,
    pub(crate) integrated_time: u64,
    pub(crate) set: Vec<u8>,
}

/// Settings of a Rekor v1 log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RekorV1Config {
    /// `baseUrl` in the trust root.
    pub base_url: String,
    /// The name in the checkpoint origin `<name> - <treeID>` and on its signature line.
    /// Public-good Rekor uses its host; private instances often the pod or service name,
    /// unrelated to `base_url`.
    pub checkpoint_name: String,
    /// The tree ID of the active shard.
    pub tree_id: u64,
    /// Entries in earlier shards: the global index is `shard_offset` + the shard index.
    pub shard_offset: u64,
    /// Entries logged before the first signature (so proofs are not trivial).
    pub prefill: u64,
    /// Whether checkpoints carry Rekor's `Timestamp: <ns>` line (older Rekor releases).
    pub timestamp_line: bool,
}

impl Default for RekorV1Config {
    fn default() -> Self {
        Self {
            base_url: "https://rekor.edgeverify.test".into(),
            checkpoint_name: "rekor.edgeverify.test".into(),
            tree_id: 1_193_050_959_916_656_506,
            shard_offset: 1_000_000,
            prefill: 11,
            timestamp_line: false,
        }
    }
}

pub(crate) struct RekorV1 {
    pub(crate) key: SigningKey,
    pub(crate) log_id: [u8; 32],
    pub(crate) config: RekorV1Config,
    tree: MerkleTree,
}

impl RekorV1 {
    pub(crate) fn new(seed: &Seed, label: &str, config: RekorV1Config) -> Result<Self, Error> {
        let key = seed.key(KeyAlg::EcdsaP256, label)?;
        let log_id = sha256_32(&key.spki_der()?);
        let mut tree = MerkleTree::default();
        for i in 0..config.prefill {
            tree.push(format!("{label} filler entry {i}").as_bytes());
        }
        Ok(Self {
            key,
            log_id,
            config,
            tree,
        })
    }

    /// Integrates `body` at `integrated_time` and signs the entry timestamp.
    pub(crate) fn append(&mut self, body: &[u8], integrated_time: u64) -> Result<V1Entry, Error> {
        let shard_index = self.tree.push(body);
        let log_index = self.config.shard_offset + shard_index;
        // RFC 8785 canonical JSON of four members; all values are base64, hex or integers, so
        // the fixed key order (body, integratedTime, logID, logIndex) is the canonical one.
        let payload = format!(
            r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
            b64(body),
            integrated_time,
            hex(&self.log_id),
            log_index
        );
        Ok(V1Entry {
            log_index,
            shard_index,
            integrated_time,
            set: self.key.sign(payload.as_bytes())?,
        })
    }

    /// The proof for `entry` against the current tree head, with a signed checkpoint.
    pub(crate) fn prove(&self, entry: &V1Entry, time_ns: u64) -> Result<Proof, Error> {
        let size = self.tree.size();
        let root = self.tree.root(size);
        let mut body = format!(
            "{} - {}\n{}\n{}\n",
            self.config.checkpoint_name,
            self.config.tree_id,
            size,
            b64(&root)
        );
        if self.config.timestamp_line {
            body.push_str(&format!("Timestamp: {time_ns}\n"));
        }
        // Rekor v1 signs the note text with ECDSA/SHA-256; the hint is the first four bytes of
        // SHA-256(SPKI), i.e. of the log ID.
        let sig = self.key.sign(body.as_bytes())?;
        let line = signature_line(&self.config.checkpoint_name, &self.log_id, &sig);
        Ok(Proof {
            log_index: entry.shard_index,
            root_hash: root,
            tree_size: size,
            hashes: self.tree.inclusion_proof(entry.shard_index, size),
            checkpoint: format!("{body}\n{line}"),
        })
    }
}

fn signature_line(name: &str, key_id: &[u8], signature: &[u8]) -> String {
    let mut blob = key_id.get(..4).unwrap_or_default().to_vec();
    blob.extend_from_slice(signature);
    format!("\u{2014} {name} {}\n", b64(&blob))
}

/// Settings of a Rekor v2 log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RekorV2Config {
    /// `baseUrl`; its host is the checkpoint origin and key name.
    pub base_url: String,
    /// Entries logged before the first signature.
    pub prefill: u64,
    /// A checkpoint origin (and key name) other than the host of `base_url`, for the
    /// private-instance variants; `None`: the host, as rekor-tiles does.
    pub checkpoint_origin: Option<String>,
    /// Witness names whose cosignatures are added to every checkpoint (keys unknown to the
    /// trust root, as in production).
    pub witnesses: Vec<String>,
}

impl Default for RekorV2Config {
    fn default() -> Self {
        Self {
            base_url: "https://log2025-1.rekor.edgeverify.test".into(),
            prefill: 5,
            checkpoint_origin: None,
            witnesses: Vec::new(),
        }
    }
}

pub(crate) struct RekorV2 {
    pub(crate) key: SigningKey,
    pub(crate) log_id: [u8; 32],
    /// The checkpoint origin and key name (the host of `base_url` unless configured).
    pub(crate) host: String,
    pub(crate) config: RekorV2Config,
    witnesses: Vec<(String, SigningKey)>,
    tree: MerkleTree,
}

impl RekorV2 {
    pub(crate) fn new(seed: &Seed, label: &str, config: RekorV2Config) -> Result<Self, Error> {
        let key = seed.key(KeyAlg::Ed25519, label)?;
        let host = match &config.checkpoint_origin {
            Some(origin) => origin.clone(),
            None => host_of(&config.base_url)?,
        };
        let log_id = c2sp_key_id(&host, 0x01, &key.raw_public_key());
        let mut tree = MerkleTree::default();
        for i in 0..config.prefill {
            tree.push(format!("{label} filler entry {i}").as_bytes());
        }
        let witnesses = config
            .witnesses
            .iter()
            .map(|name| {
                Ok((
                    name.clone(),
                    seed.key(KeyAlg::Ed25519, &format!("witness/{name}"))?,
                ))
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self {
            key,
            log_id,
            host,
            config,
            witnesses,
            tree,
        })
    }

    pub(crate) fn append(&mut self, body: &[u8]) -> u64 {
        self.tree.push(body)
    }

    pub(crate) fn prove(&self, index: u64, time: u64) -> Result<Proof, Error> {
        let size = self.tree.size();
        let root = self.tree.root(size);
        let body = format!("{}\n{}\n{}\n", self.host, size, b64(&root));
        let mut lines = signature_line(&self.host, &self.log_id, &self.key.sign(body.as_bytes())?);
        for (name, key) in &self.witnesses {
            // C2SP tlog-cosignature/v1: 8-byte big-endian time || Ed25519 over
            // "cosignature/v1\ntime <t>\n" followed by the checkpoint body.
            let signed = format!("cosignature/v1\ntime {time}\n{body}");
            let mut sig = time.to_be_bytes().to_vec();
            sig.extend_from_slice(&key.sign(signed.as_bytes())?);
            let id = c2sp_key_id(name, 0x04, &key.raw_public_key());
            lines.push_str(&signature_line(name, &id, &sig));
        }
        Ok(Proof {
            log_index: index,
            root_hash: root,
            tree_size: size,
            hashes: self.tree.inclusion_proof(index, size),
            checkpoint: format!("{body}\n{lines}"),
        })
    }
}

/// C2SP signed-note key ID: SHA-256(name || 0x0A || type || public key).
fn c2sp_key_id(name: &str, key_type: u8, public_key: &[u8]) -> [u8; 32] {
    let mut data = name.as_bytes().to_vec();
    data.push(b'\n');
    data.push(key_type);
    data.extend_from_slice(public_key);
    sha256_32(&data)
}

/// `https://host[:port]/path` → `host`.
pub(crate) fn host_of(url: &str) -> Result<String, Error> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .ok_or_else(|| Error::msg(format!("not a URL: {url}")))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    if host.is_empty() {
        return Err(Error::msg(format!("no host in {url}")));
    }
    Ok(host.to_string())
}
