//! The instance: every authority of a private Sigstore deployment, a clock, and
//! [`Instance::sign`], which turns a [`Spec`] and an artifact into a bundle plus the matching
//! trust root.

use serde_json::{json, Value};

use crate::artifact::{Artifact, ArtifactInfo};
use crate::body::{self, KindVersion, V2Verifier};
use crate::crypto::{b64, pem, HashAlg, KeyAlg, SigningKey};
use crate::fulcio::{CtLog, Fulcio};
use crate::json::insert;
use crate::output::Output;
use crate::rekor::{Proof, RekorV1, RekorV1Config, RekorV2, RekorV2Config};
use crate::seed::Seed;
use crate::spec::{
    BundledChain, Content, DigestHint, KeyValidity, Signer, Spec, StatementSpec, Tlog,
    TrustRootSpec, V1DsseKind, V2DsseKind, V2VerifierKind,
};
use crate::tsa::Tsa;
use crate::Error;

/// 2025-06-01T00:00:00Z: the default start of the instance clock.
pub const DEFAULT_BASE_TIME: u64 = 1_748_736_000;

/// Settings of an instance. Two instances with equal settings produce identical bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceConfig {
    /// Every key, serial number and nonce derives from it.
    pub seed: String,
    /// The clock's start (Unix seconds). Each signature advances it by `step`.
    pub base_time: u64,
    /// Seconds between consecutive signatures.
    pub step: u64,
    /// Leaf certificate lifetime (Fulcio: 10 minutes).
    pub cert_lifetime: u64,
    /// The Fulcio-like CA's URI.
    pub fulcio_url: String,
    /// The CT log's URL.
    pub ct_url: String,
    /// The TSA's URL.
    pub tsa_url: String,
    /// The Rekor v1 log.
    pub rekor_v1: RekorV1Config,
    /// The Rekor v2 log.
    pub rekor_v2: RekorV2Config,
}

impl InstanceConfig {
    /// Defaults with `seed`.
    pub fn new(seed: &str) -> Self {
        Self {
            seed: seed.to_string(),
            base_time: DEFAULT_BASE_TIME,
            step: 60,
            cert_lifetime: 600,
            fulcio_url: "https://fulcio.edgeverify.test".into(),
            ct_url: "https://ctfe.edgeverify.test/2025".into(),
            tsa_url: "https://timestamp.edgeverify.test/api/v1/timestamp".into(),
            rekor_v1: RekorV1Config::default(),
            rekor_v2: RekorV2Config::default(),
        }
    }
}

/// A private Sigstore-like deployment in memory: Fulcio-like CA and its CT log, Rekor v1 and
/// v2 logs (real Merkle trees holding every entry they signed), an RFC 3161 TSA, a
/// self-managed signing key, and a log the trust root never lists.
pub struct Instance {
    pub(crate) config: InstanceConfig,
    pub(crate) seed: Seed,
    pub(crate) fulcio: Fulcio,
    pub(crate) ct: CtLog,
    pub(crate) rekor_v1: RekorV1,
    rekor_v2: RekorV2,
    pub(crate) tsa: Tsa,
    unknown_log: RekorV1,
    pub(crate) clock: u64,
    pub(crate) signed: u64,
}

/// The moments of one signature, all derived from the clock.
#[derive(Clone, Copy, Debug)]
struct Times {
    not_before: u64,
    integrated: u64,
}

impl Instance {
    /// An instance with default settings and `seed`.
    pub fn new(seed: &str) -> Result<Self, Error> {
        Self::with_config(InstanceConfig::new(seed))
    }

    /// An instance with `config`.
    pub fn with_config(config: InstanceConfig) -> Result<Self, Error> {
        let seed = Seed::new(&config.seed);
        let fulcio = Fulcio::new(&seed, config.base_time, &config.fulcio_url)?;
        let ct = CtLog::new(&seed, "ct", &config.ct_url)?;
        let rekor_v1 = RekorV1::new(&seed, "rekor-v1", config.rekor_v1.clone())?;
        let rekor_v2 = RekorV2::new(&seed, "rekor-v2", config.rekor_v2.clone())?;
        let tsa = Tsa::new(&seed, "tsa", config.base_time, &config.tsa_url)?;
        let unknown_log = RekorV1::new(
            &seed,
            "rekor-unknown",
            RekorV1Config {
                base_url: "https://rekor.unknown.edgeverify.test".into(),
                checkpoint_name: "rekor.unknown.edgeverify.test".into(),
                tree_id: 3_904_496_407_287_907_110,
                shard_offset: 0,
                prefill: 3,
                timestamp_line: false,
            },
        )?;
        Ok(Self {
            clock: config.base_time,
            config,
            seed,
            fulcio,
            ct,
            rekor_v1,
            rekor_v2,
            tsa,
            unknown_log,
            signed: 0,
        })
    }

    /// The settings.
    pub fn config(&self) -> &InstanceConfig {
        &self.config
    }

    /// The self-managed key's PEM (`key.pub`) for `alg`.
    pub fn managed_key_pem(&self, alg: KeyAlg) -> Result<String, Error> {
        self.managed_key(alg)?.public_key_pem()
    }

    pub(crate) fn managed_key(&self, alg: KeyAlg) -> Result<SigningKey, Error> {
        self.seed.key(alg, &format!("managed-key/{alg:?}"))
    }

    /// Signs `artifact` as `spec` says; logs, timestamps and bundles it; returns the bundle,
    /// the matching trust root and what a verifier needs to check it.
    pub fn sign(&mut self, spec: &Spec, artifact: Artifact) -> Result<Output, Error> {
        // One pass over the artifact: the digests the signature and the statement need.
        let mut algs = match &spec.signer {
            Signer::Certificate { key, .. } | Signer::ManagedKey { key } => {
                vec![key.default_hash()]
            }
        };
        if let Content::Dsse(st) = &spec.content {
            algs.extend(&st.digest_algs);
        }
        let artifact = artifact.digest(&algs)?;
        self.signed += 1;
        let t = self.clock;
        self.clock += self.config.step;
        let times = Times {
            not_before: t,
            integrated: t
                .saturating_add(2)
                .saturating_add_signed(spec.integrated_time_offset),
        };

        // The signer: a fresh certified key, or the managed key.
        let (key, leaf, identity) = match &spec.signer {
            Signer::Certificate { identity, key } => {
                let key = self.seed.key(*key, &format!("leaf/{}", self.signed))?;
                let leaf = self.fulcio.issue(
                    &key,
                    identity,
                    times.not_before,
                    self.config.cert_lifetime,
                    &[&self.ct],
                    times.not_before * 1000 + 250,
                )?;
                (key, Some(leaf), Some(identity.clone()))
            }
            Signer::ManagedKey { key } => (self.managed_key(*key)?, None, None),
        };
        let signer_pem = match &leaf {
            Some(der) => pem("CERTIFICATE", der),
            None => key.public_key_pem()?,
        };
        let hash = key.alg().default_hash();

        // The signature and what the logs record about it.
        let signed = sign_content(&spec.content, &key, hash, &artifact)?;

        // The transparency log entries.
        let mut entries = Vec::new();
        match spec.tlog {
            Tlog::RekorV1 {
                set,
                proof,
                dsse_kind,
            } => {
                let (kind, body) = v1_body(&signed, dsse_kind, hash, &signer_pem)?;
                entries.push(log_v1(
                    &mut self.rekor_v1,
                    kind,
                    &body,
                    times.integrated,
                    set,
                    proof,
                )?);
            }
            Tlog::RekorV2 {
                verifier,
                dsse_kind,
            } => {
                let recorded = match (verifier, &leaf) {
                    (V2VerifierKind::AsBundle, Some(der)) => V2Verifier::Certificate(der.clone()),
                    (V2VerifierKind::AsBundle | V2VerifierKind::SignerPublicKey, _) => {
                        V2Verifier::PublicKey(key.spki_der()?)
                    }
                    (V2VerifierKind::OtherPublicKey, _) => V2Verifier::PublicKey(
                        self.seed
                            .key(key.alg(), &format!("other-key/{}", self.signed))?
                            .spki_der()?,
                    ),
                };
                let (kind, body) = v2_body(&signed, dsse_kind, hash, &recorded, key.alg())?;
                let index = self.rekor_v2.append(&body);
                let proof = self.rekor_v2.prove(index, times.integrated)?;
                entries.push(tlog_entry(
                    index,
                    &self.rekor_v2.log_id,
                    kind,
                    None,
                    None,
                    Some(&proof),
                    &body,
                )?);
            }
            Tlog::None => {}
        }
        if spec.unknown_log_entry {
            // The same signature, also integrated by a Rekor v1 log the trust root never lists.
            let dsse_kind = match spec.tlog {
                Tlog::RekorV1 { dsse_kind, .. } => dsse_kind,
                _ => V1DsseKind::Dsse,
            };
            let (kind, body) = v1_body(&signed, dsse_kind, hash, &signer_pem)?;
            entries.push(log_v1(
                &mut self.unknown_log,
                kind,
                &body,
                times.integrated,
                true,
                true,
            )?);
        }

        // RFC 3161 timestamps over the signature bytes.
        let mut timestamps = Vec::new();
        for ts in &spec.timestamps {
            timestamps.push(self.tsa.respond(
                &signed.signature,
                times.not_before.saturating_add_signed(ts.offset),
                ts.imprint,
                ts.embed_certificate,
                ts.broken,
            )?);
        }

        let bundle = self.bundle(spec, &signed, leaf.as_deref(), &key, entries, &timestamps)?;
        let trusted_root = self.trusted_root(&spec.trust_root, times.not_before)?;
        Ok(Output {
            bundle,
            trusted_root,
            artifact,
            identity: identity.as_ref().map(|i| i.san.as_str().to_string()),
            issuer: identity.map(|i| i.issuer),
            key_pem: match spec.signer {
                Signer::ManagedKey { .. } => Some(key.public_key_pem()?),
                Signer::Certificate { .. } => None,
            },
            expectation: spec.expectation.clone(),
            signing_time: times.not_before,
        })
    }

    fn bundle(
        &self,
        spec: &Spec,
        signed: &Signed,
        leaf: Option<&[u8]>,
        key: &SigningKey,
        entries: Vec<Value>,
        timestamps: &[Vec<u8>],
    ) -> Result<Value, Error> {
        let mut material = serde_json::Map::new();
        match leaf {
            Some(der) if spec.version.single_certificate() => {
                material.insert("certificate".into(), json!({"rawBytes": b64(der)}));
            }
            Some(der) => {
                let mut certs = vec![json!({"rawBytes": b64(der)})];
                if spec.bundled_chain == BundledChain::LeafAndCas {
                    certs.push(json!({"rawBytes": b64(&self.fulcio.intermediate_der)}));
                    certs.push(json!({"rawBytes": b64(&self.fulcio.root_der)}));
                }
                material.insert(
                    "x509CertificateChain".into(),
                    json!({"certificates": certs}),
                );
            }
            None => {
                // The hint is opaque and unauthenticated; this one is the key's SHA-256.
                let hint = b64(&HashAlg::Sha256.digest(&key.spki_der()?));
                material.insert("publicKey".into(), json!({"hint": hint}));
            }
        }
        material.insert("tlogEntries".into(), Value::Array(entries));
        if !timestamps.is_empty() {
            let list: Vec<Value> = timestamps
                .iter()
                .map(|t| json!({"signedTimestamp": b64(t)}))
                .collect();
            material.insert(
                "timestampVerificationData".into(),
                json!({"rfc3161Timestamps": list}),
            );
        }
        let mut bundle = json!({
            "mediaType": spec.version.media_type(),
            "verificationMaterial": Value::Object(material),
        });
        let (field, value) = match (&signed.content, &spec.content) {
            (
                SignedContent::Message { hash, digest },
                Content::MessageSignature { digest_hint },
            ) => {
                let mut ms = json!({"signature": b64(&signed.signature)});
                if *digest_hint == DigestHint::KeyHash {
                    insert(
                        &mut ms,
                        "messageDigest",
                        json!({"algorithm": hash.proto_name(), "digest": b64(digest)}),
                    )?;
                }
                ("messageSignature", ms)
            }
            (
                SignedContent::Dsse {
                    payload_type,
                    payload,
                },
                _,
            ) => (
                "dsseEnvelope",
                json!({
                    "payload": b64(payload),
                    "payloadType": payload_type,
                    // proto3 JSON omits the empty keyid, as sigstore-go writes it.
                    "signatures": [{"sig": b64(&signed.signature)}]
                }),
            ),
            _ => return Err(Error::msg("content and spec disagree")),
        };
        insert(&mut bundle, field, value)?;
        Ok(bundle)
    }

    /// The `trusted_root.json` for this instance: the Fulcio-like CA, both Rekor logs, the
    /// CT log and the TSA (never the unknown log, never the managed key).
    pub fn trusted_root(&self, spec: &TrustRootSpec, signing_time: u64) -> Result<Value, Error> {
        let log_start = self.fulcio.valid_from;
        let window = |validity: KeyValidity| -> Result<Option<Value>, Error> {
            Ok(match validity {
                KeyValidity::Open => Some(json!({"start": rfc3339(log_start)?})),
                KeyValidity::NoStart => Some(json!({})),
                KeyValidity::Absent => None,
                KeyValidity::EndedBeforeSigning => Some(json!({
                    "start": rfc3339(log_start)?,
                    "end": rfc3339(signing_time.saturating_sub(3600))?,
                })),
                KeyValidity::StartsAfterSigning => {
                    Some(json!({"start": rfc3339(signing_time + 3600)?}))
                }
            })
        };
        let log =
            |base_url: &str, key: &SigningKey, log_id: &[u8], validity| -> Result<Value, Error> {
                let mut public_key = json!({
                    "rawBytes": b64(&key.spki_der()?),
                    "keyDetails": key.alg().key_details(),
                });
                if let Some(w) = window(validity)? {
                    insert(&mut public_key, "validFor", w)?;
                }
                Ok(json!({
                    "baseUrl": base_url,
                    "hashAlgorithm": "SHA2_256",
                    "publicKey": public_key,
                    "logId": {"keyId": b64(log_id)},
                }))
            };
        let ca = |name: &str, uri: &str, chain: &[&[u8]], start: u64| -> Result<Value, Error> {
            Ok(json!({
                "subject": {"organization": "edgeverify.test", "commonName": name},
                "uri": uri,
                "certChain": {"certificates": chain.iter().map(|c| json!({"rawBytes": b64(c)})).collect::<Vec<_>>()},
                "validFor": {"start": rfc3339(start)?},
            }))
        };
        let mut root = json!({
            "mediaType": spec.media_type,
            "tlogs": [
                log(&self.rekor_v1.config.base_url, &self.rekor_v1.key, &self.rekor_v1.log_id, spec.rekor_v1)?,
                log(&self.rekor_v2.config.base_url, &self.rekor_v2.key, &self.rekor_v2.log_id, spec.rekor_v2)?,
            ],
            "certificateAuthorities": [ca(
                "edgeverify-testinstance Fulcio",
                &self.fulcio.uri,
                &[&self.fulcio.intermediate_der, &self.fulcio.root_der],
                self.fulcio.valid_from,
            )?],
            "ctlogs": [log(&self.ct.base_url, &self.ct.key, &self.ct.log_id, KeyValidity::Open)?],
            "timestampAuthorities": [],
        });
        if spec.include_tsa {
            let tsa = ca(
                "edgeverify-testinstance TSA",
                &self.tsa.uri,
                &[&self.tsa.leaf_der, &self.tsa.root_der],
                self.tsa.valid_from,
            )?;
            insert(&mut root, "timestampAuthorities", json!([tsa]))?;
        }
        Ok(root)
    }
}

/// What was signed and the signature.
struct Signed {
    content: SignedContent,
    signature: Vec<u8>,
}

enum SignedContent {
    /// A message signature over the artifact's digest in `hash`.
    Message { hash: HashAlg, digest: Vec<u8> },
    /// A DSSE envelope.
    Dsse {
        payload_type: String,
        payload: Vec<u8>,
    },
}

fn sign_content(
    content: &Content,
    key: &SigningKey,
    hash: HashAlg,
    artifact: &ArtifactInfo,
) -> Result<Signed, Error> {
    match content {
        Content::MessageSignature { .. } => {
            let digest = artifact.digests.get(hash).to_vec();
            // hashedrekord signs the artifact with the key's hash: the same signature as over
            // the whole artifact, computed from the streamed digest.
            let signature = key.sign_prehash(&digest)?;
            Ok(Signed {
                content: SignedContent::Message { hash, digest },
                signature,
            })
        }
        Content::Dsse(statement) => {
            let payload = statement_json(statement, artifact)?;
            let signature = key.sign(&body::pae(&statement.payload_type, &payload))?;
            Ok(Signed {
                content: SignedContent::Dsse {
                    payload_type: statement.payload_type.clone(),
                    payload,
                },
                signature,
            })
        }
    }
}

/// The in-toto statement: the artifact as one subject among optional others.
pub(crate) fn statement_json(
    spec: &StatementSpec,
    artifact: &ArtifactInfo,
) -> Result<Vec<u8>, Error> {
    let subject = |name: &str, digest: &dyn Fn(HashAlg) -> Vec<u8>| {
        let mut digests = serde_json::Map::new();
        for alg in &spec.digest_algs {
            digests.insert(alg.name().into(), json!(crate::crypto::hex(&digest(*alg))));
        }
        json!({"name": name, "digest": digests})
    };
    let other = |i: usize| {
        let name = format!("other-subject-{i}");
        let value = subject(&name, &|alg| alg.digest(name.as_bytes()));
        value
    };
    let mut subjects: Vec<Value> = (0..spec.subjects_before).map(other).collect();
    subjects.push(subject(&artifact.name, &|alg| {
        artifact.digests.get(alg).to_vec()
    }));
    subjects.extend((0..spec.subjects_after).map(|i| other(spec.subjects_before + i)));
    let statement = json!({
        "_type": spec.statement_type,
        "subject": subjects,
        "predicateType": spec.predicate_type,
        "predicate": spec.predicate,
    });
    crate::json::canonical(&statement)
}

fn v1_body(
    signed: &Signed,
    dsse_kind: V1DsseKind,
    hash: HashAlg,
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    match (&signed.content, dsse_kind) {
        (SignedContent::Message { digest, .. }, _) => {
            body::hashedrekord_v001(hash, digest, &signed.signature, signer_pem)
        }
        (
            SignedContent::Dsse {
                payload_type,
                payload,
            },
            V1DsseKind::Dsse,
        ) => body::dsse_v001(payload_type, payload, &signed.signature, signer_pem),
        (
            SignedContent::Dsse {
                payload_type,
                payload,
            },
            V1DsseKind::Intoto,
        ) => body::intoto_v002(payload_type, payload, &signed.signature, signer_pem),
    }
}

fn v2_body(
    signed: &Signed,
    dsse_kind: V2DsseKind,
    hash: HashAlg,
    verifier: &V2Verifier,
    key: KeyAlg,
) -> Result<(KindVersion, Vec<u8>), Error> {
    match (&signed.content, dsse_kind) {
        (SignedContent::Message { digest, .. }, _) => {
            body::hashedrekord_v002(hash, digest, &signed.signature, verifier, key)
        }
        (
            SignedContent::Dsse {
                payload_type,
                payload,
            },
            V2DsseKind::HashedRekord,
        ) => {
            let digest = hash.digest(&body::pae(payload_type, payload));
            body::hashedrekord_v002(hash, &digest, &signed.signature, verifier, key)
        }
        (SignedContent::Dsse { payload, .. }, V2DsseKind::Dsse) => {
            body::dsse_v002(payload, &signed.signature, verifier, key)
        }
    }
}

fn log_v1(
    log: &mut RekorV1,
    kind: KindVersion,
    body: &[u8],
    integrated_time: u64,
    set: bool,
    proof: bool,
) -> Result<Value, Error> {
    let entry = log.append(body, integrated_time)?;
    let proof = if proof {
        Some(log.prove(&entry, (integrated_time + 1) * 1_000_000_000)?)
    } else {
        None
    };
    tlog_entry(
        entry.log_index,
        &log.log_id,
        kind,
        Some(entry.integrated_time),
        set.then_some(entry.set.as_slice()),
        proof.as_ref(),
        body,
    )
}

/// A `TransparencyLogEntry` in proto3 JSON (int64 as strings).
fn tlog_entry(
    log_index: u64,
    log_id: &[u8],
    (kind, version): KindVersion,
    integrated_time: Option<u64>,
    set: Option<&[u8]>,
    proof: Option<&Proof>,
    body: &[u8],
) -> Result<Value, Error> {
    let mut entry = json!({
        "logIndex": log_index.to_string(),
        "logId": {"keyId": b64(log_id)},
        "kindVersion": {"kind": kind, "version": version},
        "canonicalizedBody": b64(body),
    });
    if let Some(t) = integrated_time {
        insert(&mut entry, "integratedTime", json!(t.to_string()))?;
    }
    if let Some(set) = set {
        insert(
            &mut entry,
            "inclusionPromise",
            json!({"signedEntryTimestamp": b64(set)}),
        )?;
    }
    if let Some(p) = proof {
        let proof = json!({
            "logIndex": p.log_index.to_string(),
            "rootHash": b64(&p.root_hash),
            "treeSize": p.tree_size.to_string(),
            "hashes": p.hashes.iter().map(|h| b64(h)).collect::<Vec<_>>(),
            "checkpoint": {"envelope": p.checkpoint},
        });
        insert(&mut entry, "inclusionProof", proof)?;
    }
    Ok(entry)
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn rfc3339(unix: u64) -> Result<String, Error> {
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(unix))?;
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    ))
}
