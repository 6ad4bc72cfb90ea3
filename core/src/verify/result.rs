//! What a successful verification established. Built only by the orchestrator, only when every
//! stage passed ("parse, don't validate").

use alloc::string::String;
use alloc::vec::Vec;

use super::stages::SignerSummary;
use crate::bundle::{Bundle, Content};
use crate::crypto::{Digest, HashAlgorithm};
use crate::slsa::VerifiedProvenance;
use crate::time::UnixTime;
use crate::tlog;
use crate::x509::FulcioExtensions;

/// A bundle that passed every check, with the facts a caller may report or act on.
#[derive(Clone, Debug)]
pub struct VerifiedBundle {
    identity: Option<String>,
    issuer: Option<String>,
    extensions: FulcioExtensions,
    log_entries: Vec<VerifiedLogEntry>,
    verified_times: Vec<UnixTime>,
    artifact_sha256: Option<Digest>,
    matched_digest: Digest,
    payload: Option<(String, Vec<u8>)>,
    provenance: Option<VerifiedProvenance>,
}

/// A transparency-log entry whose evidence verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedLogEntry {
    /// The log's ID as in the trust root.
    pub log_id: Vec<u8>,
    /// The entry's index in the log.
    pub log_index: u64,
    /// When the log integrated the entry, if a signed entry timestamp vouched for it.
    pub integrated_time: Option<UnixTime>,
}

impl VerifiedBundle {
    pub(super) fn new(
        signer: SignerSummary,
        entries: Vec<tlog::VerifiedEntry>,
        verified_times: Vec<UnixTime>,
        digests: &[Digest],
        matched_digest: Digest,
        bundle: &Bundle,
        provenance: Option<VerifiedProvenance>,
    ) -> Self {
        Self {
            identity: signer.identity,
            issuer: signer.issuer,
            extensions: signer.extensions,
            log_entries: entries
                .into_iter()
                .map(|e| VerifiedLogEntry {
                    log_id: e.log_id,
                    log_index: e.log_index,
                    integrated_time: e.integrated_time,
                })
                .collect(),
            verified_times,
            artifact_sha256: digests
                .iter()
                .find(|d| d.algorithm() == HashAlgorithm::Sha256)
                .copied(),
            matched_digest,
            payload: match &bundle.content {
                Content::Dsse(env) => Some((env.payload_type.clone(), env.payload.clone())),
                Content::MessageSignature { .. } => None,
            },
            provenance,
        }
    }

    /// The signer's identity (certificate SAN: URI, else e-mail); `None` for key bundles.
    pub fn identity(&self) -> Option<&str> {
        self.identity.as_deref()
    }

    /// The OIDC issuer from the certificate; `None` for key bundles.
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The Fulcio extensions of the signing certificate (empty for key bundles).
    pub fn fulcio_extensions(&self) -> &FulcioExtensions {
        &self.extensions
    }

    /// The verified transparency-log entries.
    pub fn log_entries(&self) -> &[VerifiedLogEntry] {
        &self.log_entries
    }

    /// Every verified time (signed entry timestamps and RFC 3161 timestamps), ascending.
    pub fn verified_times(&self) -> &[UnixTime] {
        &self.verified_times
    }

    /// The earliest integrated time vouched for by a signed entry timestamp.
    pub fn integrated_time(&self) -> Option<UnixTime> {
        self.log_entries
            .iter()
            .filter_map(|e| e.integrated_time)
            .min()
    }

    /// SHA-256 of the artifact, when it was known or computed.
    pub fn artifact_sha256(&self) -> Option<&Digest> {
        self.artifact_sha256.as_ref()
    }

    /// The artifact digest the evidence was matched on: the digest a message signature covers
    /// (and its log entry records), or the in-toto subject digest equal to the artifact's
    /// (the strongest algorithm that subject and artifact share).
    pub fn matched_digest(&self) -> &Digest {
        &self.matched_digest
    }

    /// For DSSE bundles: the payload type and the verified payload (the in-toto statement).
    pub fn payload(&self) -> Option<(&str, &[u8])> {
        self.payload
            .as_ref()
            .map(|(t, p)| (t.as_str(), p.as_slice()))
    }

    /// For SLSA policies: the verified provenance.
    pub fn provenance(&self) -> Option<&VerifiedProvenance> {
        self.provenance.as_ref()
    }
}
