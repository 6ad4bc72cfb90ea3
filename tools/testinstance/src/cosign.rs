//! cosign's evidence for container images, signed by this instance, and OCI image layouts that
//! hold it: the legacy `.sig` (simple-signing payload + detached signature) and `.att` (DSSE
//! envelope) layers with cosign's annotations (certificate, chain, Rekor bundle with its SET,
//! RFC 3161 timestamp), and cosign v3 referrers holding a bundle.
//!
//! ```
//! use edgeverify_testinstance::{ImageLayout, Instance, LegacySpec};
//!
//! let mut instance = Instance::new("doc-image")?;
//! let mut layout = ImageLayout::new("registry.edgeverify.test/app")?;
//! let layer = instance.sign_image_legacy(&LegacySpec::signature(), layout.image_digest())?;
//! layout.add_legacy(&[layer.layer], false)?;
//! assert!(layout.files()?.contains_key("index.json"));
//! # Ok::<(), edgeverify_testinstance::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::body::{self, envelope_json, pae};
use crate::crypto::{b64, hex, pem, HashAlg, KeyAlg};
use crate::identity::Identity;
use crate::instance::Instance;
use crate::json::{canonical, insert};
use crate::spec::{StatementSpec, TrustRootSpec};
use crate::Error;

/// The annotation keys cosign writes on a signature layer.
pub mod annotation {
    /// Base64 signature (`.sig`; empty for `.att`).
    pub const SIGNATURE: &str = "dev.cosignproject.cosign/signature";
    /// Signing certificate, PEM.
    pub const CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
    /// Intermediate and root, PEM.
    pub const CHAIN: &str = "dev.sigstore.cosign/chain";
    /// Rekor bundle: SET and payload.
    pub const BUNDLE: &str = "dev.sigstore.cosign/bundle";
    /// RFC 3161 timestamp.
    pub const RFC3161: &str = "dev.sigstore.cosign/rfc3161timestamp";
}

/// How Rekor logged a legacy layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LegacyBody {
    /// `.sig`: `hashedrekord` 0.0.1 (cosign ≥ 1.x).
    HashedRekord,
    /// `.sig`: `rekord` 0.0.1 (early cosign).
    Rekord,
    /// `.att`: `intoto` 0.0.1 (cosign < 2.2; slsa-github-generator < v1.10).
    IntotoV001,
    /// `.att`: `intoto` 0.0.2.
    IntotoV002,
    /// `.att`: `dsse` 0.0.1 (cosign ≥ 2.2).
    Dsse,
}

/// Who signs a legacy layer.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum LegacySigner {
    /// A Fulcio certificate for this identity.
    Certificate(Identity),
    /// The instance's self-managed P-256 key (`cosign sign --key`; no certificate annotation).
    ManagedKey,
}

/// One legacy cosign signature or attestation of an image.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacySpec {
    /// `.att` (a DSSE envelope over `statement`) rather than `.sig`.
    pub attestation: bool,
    /// The entry kind.
    pub body: LegacyBody,
    /// The signer.
    pub signer: LegacySigner,
    /// The statement of an attestation (its subject is the image, or `claimed_digest`).
    pub statement: StatementSpec,
    /// The digest the payload names instead of the image's (`sha256:<hex>`): a signature or
    /// attestation for another image.
    pub claimed_digest: Option<String>,
    /// Seconds added to the integrated time (beyond the certificate's 10 minutes: expired).
    pub integrated_time_offset: i64,
    /// Add an RFC 3161 timestamp annotation (over the signature, or over the envelope).
    pub timestamp: bool,
    /// Add the chain annotation (intermediate and root), as cosign does.
    pub chain: bool,
}

impl LegacySpec {
    /// A `.sig` layer, hashedrekord, from a GitHub Actions identity, with chain.
    pub fn signature() -> Self {
        Self {
            attestation: false,
            body: LegacyBody::HashedRekord,
            signer: LegacySigner::Certificate(Identity::default()),
            statement: StatementSpec::default(),
            claimed_digest: None,
            integrated_time_offset: 0,
            timestamp: false,
            chain: true,
        }
    }

    /// An `.att` layer over the default SLSA v1 statement, `dsse` 0.0.1.
    pub fn attestation() -> Self {
        Self {
            attestation: true,
            body: LegacyBody::Dsse,
            ..Self::signature()
        }
    }

    /// The entry kind.
    pub fn body(mut self, body: LegacyBody) -> Self {
        self.body = body;
        self
    }
}

/// A signature layer with cosign's annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignLayer {
    /// `application/vnd.dev.cosign.simplesigning.v1+json` or
    /// `application/vnd.dsse.envelope.v1+json`.
    pub media_type: String,
    /// The layer's bytes: the simple-signing payload or the envelope.
    pub bytes: Vec<u8>,
    /// The annotations.
    pub annotations: BTreeMap<String, String>,
}

/// A signed layer with the identity and trust root that verify it.
#[derive(Clone, Debug)]
pub struct SignedLayer {
    /// The layer.
    pub layer: CosignLayer,
    /// The certificate's SAN (`None` for the managed key).
    pub identity: Option<String>,
    /// The certificate's issuer.
    pub issuer: Option<String>,
    /// The managed key's PEM, when it signed.
    pub key_pem: Option<String>,
    /// The trust root of this instance.
    pub trusted_root: Value,
}

impl SignedLayer {
    /// `trusted_root.json`.
    pub fn trusted_root_json(&self) -> Result<String, Error> {
        crate::json::pretty(&self.trusted_root)
    }
}

impl Instance {
    /// Signs the image `image_digest` (`sha256:<hex>`) the legacy cosign way: a simple-signing
    /// payload or a DSSE envelope, logged in this instance's Rekor v1 (SET, no proof), with
    /// the annotations `cosign sign` / `cosign attest` write.
    pub fn sign_image_legacy(
        &mut self,
        spec: &LegacySpec,
        image_digest: &str,
    ) -> Result<SignedLayer, Error> {
        self.signed += 1;
        let t = self.clock;
        self.clock += self.config.step;
        let integrated = t
            .saturating_add(2)
            .saturating_add_signed(spec.integrated_time_offset);
        let named = spec.claimed_digest.as_deref().unwrap_or(image_digest);

        let (key, leaf, identity) = match &spec.signer {
            LegacySigner::Certificate(identity) => {
                let key = self
                    .seed
                    .key(KeyAlg::EcdsaP256, &format!("leaf/{}", self.signed))?;
                let leaf = self.fulcio.issue(
                    &key,
                    identity,
                    t,
                    self.config.cert_lifetime,
                    &[&self.ct],
                    t * 1000 + 250,
                )?;
                (key, Some(leaf), Some(identity.clone()))
            }
            LegacySigner::ManagedKey => (self.managed_key(KeyAlg::EcdsaP256)?, None, None),
        };
        let signer_pem = match &leaf {
            Some(der) => pem("CERTIFICATE", der),
            None => key.public_key_pem()?,
        };

        let mut annotations = BTreeMap::new();
        let (media_type, bytes, body, timestamped) = if spec.attestation {
            let hex_digest = named
                .strip_prefix("sha256:")
                .ok_or_else(|| Error::msg("an image digest is sha256:<hex>"))?;
            let statement = attestation_statement(&spec.statement, hex_digest)?;
            let payload_type = spec.statement.payload_type.clone();
            let signature = key.sign(&pae(&payload_type, &statement))?;
            let envelope = canonical(&envelope_json(&payload_type, &statement, &signature))?;
            let (_, body) = match spec.body {
                LegacyBody::IntotoV001 => body::intoto_v001(&envelope, &statement, &signer_pem)?,
                LegacyBody::IntotoV002 => {
                    body::intoto_v002(&payload_type, &statement, &signature, &signer_pem)?
                }
                LegacyBody::Dsse => {
                    body::dsse_v001(&payload_type, &statement, &signature, &signer_pem)?
                }
                LegacyBody::HashedRekord | LegacyBody::Rekord => {
                    return Err(Error::msg("an attestation is logged as intoto or dsse"))
                }
            };
            annotations.insert(annotation::SIGNATURE.to_string(), String::new());
            let timestamped = envelope.clone();
            (
                "application/vnd.dsse.envelope.v1+json",
                envelope,
                body,
                timestamped,
            )
        } else {
            let payload = simple_signing(named)?;
            let signature = key.sign(&payload)?;
            let digest = HashAlg::Sha256.digest(&payload);
            let (_, body) = match spec.body {
                LegacyBody::HashedRekord => {
                    body::hashedrekord_v001(HashAlg::Sha256, &digest, &signature, &signer_pem)?
                }
                LegacyBody::Rekord => body::rekord_v001(&payload, &signature, &signer_pem)?,
                _ => {
                    return Err(Error::msg(
                        "a signature is logged as hashedrekord or rekord",
                    ))
                }
            };
            annotations.insert(annotation::SIGNATURE.to_string(), b64(&signature));
            (
                "application/vnd.dev.cosign.simplesigning.v1+json",
                payload,
                body,
                signature,
            )
        };

        let entry = self.rekor_v1.append(&body, integrated)?;
        let rekor_bundle = json!({
            "SignedEntryTimestamp": b64(&entry.set),
            "Payload": {
                "body": b64(&body),
                "integratedTime": entry.integrated_time,
                "logIndex": entry.log_index,
                "logID": hex(&self.rekor_v1.log_id),
            }
        });
        annotations.insert(annotation::BUNDLE.to_string(), rekor_bundle.to_string());
        if let Some(der) = &leaf {
            annotations.insert(annotation::CERTIFICATE.to_string(), pem("CERTIFICATE", der));
            if spec.chain {
                let chain = pem("CERTIFICATE", &self.fulcio.intermediate_der)
                    + &pem("CERTIFICATE", &self.fulcio.root_der);
                annotations.insert(annotation::CHAIN.to_string(), chain);
            }
        }
        if spec.timestamp {
            let token = self
                .tsa
                .respond(&timestamped, t + 2, HashAlg::Sha256, true, None)?;
            annotations.insert(
                annotation::RFC3161.to_string(),
                json!({"SignedRFC3161Timestamp": b64(&token)}).to_string(),
            );
        }
        Ok(SignedLayer {
            layer: CosignLayer {
                media_type: media_type.to_string(),
                bytes,
                annotations,
            },
            identity: identity.as_ref().map(|i| i.san.as_str().to_string()),
            issuer: identity.map(|i| i.issuer),
            key_pem: leaf.is_none().then(|| signer_pem.clone()),
            trusted_root: self.trusted_root(&TrustRootSpec::default(), t)?,
        })
    }
}

/// cosign's simple-signing payload for an image.
fn simple_signing(digest: &str) -> Result<Vec<u8>, Error> {
    Ok(serde_json::to_vec(&json!({
        "critical": {
            "identity": {"docker-reference": "registry.edgeverify.test/app"},
            "image": {"docker-manifest-digest": digest},
            "type": "cosign container image signature"
        },
        "optional": null
    }))?)
}

/// The statement of an attestation whose one subject is the image.
fn attestation_statement(spec: &StatementSpec, hex_digest: &str) -> Result<Vec<u8>, Error> {
    let statement = json!({
        "_type": spec.statement_type,
        "subject": [{"name": "registry.edgeverify.test/app", "digest": {"sha256": hex_digest}}],
        "predicateType": spec.predicate_type,
        "predicate": spec.predicate,
    });
    canonical(&statement)
}

/// An OCI image layout in memory, as `cosign save` writes one: an image (a small OCI
/// manifest and its config) and its evidence.
#[derive(Clone, Debug)]
pub struct ImageLayout {
    blobs: BTreeMap<String, Vec<u8>>,
    index: Vec<Value>,
    image_digest: String,
    image_manifest: Vec<u8>,
}

fn digest_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&HashAlg::Sha256.digest(bytes)))
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({"mediaType": media_type, "digest": digest_of(bytes), "size": bytes.len()})
}

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

impl ImageLayout {
    /// A layout holding a small image named `reference` (its config names it, so that every
    /// reference gives another digest).
    pub fn new(reference: &str) -> Result<Self, Error> {
        let config = serde_json::to_vec(&json!({
            "architecture": "amd64", "os": "linux",
            "config": {"Labels": {"org.opencontainers.image.ref.name": reference}},
            "rootfs": {"type": "layers", "diff_ids": []}
        }))?;
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor("application/vnd.oci.image.config.v1+json", &config),
            "layers": []
        }))?;
        let mut layout = Self {
            blobs: BTreeMap::new(),
            index: Vec::new(),
            image_digest: digest_of(&manifest),
            image_manifest: manifest.clone(),
        };
        layout.add_blob(&config);
        layout.add_blob(&manifest);
        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        insert(
            &mut entry,
            "annotations",
            json!({"kind": "dev.cosignproject.cosign/image"}),
        )?;
        layout.index.push(entry);
        Ok(layout)
    }

    /// The image manifest digest, `sha256:<hex>`.
    pub fn image_digest(&self) -> &str {
        &self.image_digest
    }

    /// The image manifest's bytes (what a cosign v3 signature covers).
    pub fn image_manifest(&self) -> &[u8] {
        &self.image_manifest
    }

    fn add_blob(&mut self, bytes: &[u8]) {
        let path = format!("blobs/sha256/{}", hex(&HashAlg::Sha256.digest(bytes)));
        self.blobs.insert(path, bytes.to_vec());
    }

    /// Adds the legacy `.sig` (or `.att`) manifest holding `layers`, listed in `index.json` as
    /// `cosign save` lists it.
    pub fn add_legacy(&mut self, layers: &[CosignLayer], attestation: bool) -> Result<(), Error> {
        let config = b"{}".to_vec();
        self.add_blob(&config);
        let mut descriptors = Vec::new();
        for layer in layers {
            self.add_blob(&layer.bytes);
            let mut d = descriptor(&layer.media_type, &layer.bytes);
            insert(
                &mut d,
                "annotations",
                serde_json::to_value(&layer.annotations)?,
            )?;
            descriptors.push(d);
        }
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor("application/vnd.oci.image.config.v1+json", &config),
            "layers": descriptors
        }))?;
        self.add_blob(&manifest);
        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        let kind = if attestation { "atts" } else { "sigs" };
        insert(
            &mut entry,
            "annotations",
            json!({"kind": format!("dev.cosignproject.cosign/{kind}")}),
        )?;
        self.index.push(entry);
        Ok(())
    }

    /// Adds a cosign v3 referrer: a manifest whose subject is the image, holding `bundle_json`
    /// as its one layer; like `cosign save`, not listed in `index.json`.
    pub fn add_referrer(&mut self, bundle_json: &[u8]) -> Result<(), Error> {
        const BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
        let empty = b"{}".to_vec();
        self.add_blob(&empty);
        self.add_blob(bundle_json);
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": BUNDLE,
            "config": descriptor("application/vnd.oci.empty.v1+json", &empty),
            "layers": [descriptor(BUNDLE, bundle_json)],
            "subject": descriptor(OCI_MANIFEST, &self.image_manifest),
        }))?;
        self.add_blob(&manifest);
        Ok(())
    }

    /// Every file of the layout by relative path: `oci-layout`, `index.json`, `blobs/…`.
    pub fn files(&self) -> Result<BTreeMap<String, Vec<u8>>, Error> {
        let mut files = self.blobs.clone();
        files.insert(
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        );
        let index = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": self.index,
        });
        files.insert("index.json".into(), serde_json::to_vec_pretty(&index)?);
        Ok(files)
    }

    /// Writes the layout under `dir`.
    pub fn write_dir(&self, dir: &Path) -> Result<(), Error> {
        for (path, bytes) in self.files()? {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }
}
