//! What a successful verification established. Built only by the orchestrator, only when every
//! stage passed ("parse, don't validate").

use alloc::string::String;
use alloc::vec::Vec;

use super::prepare::{given_digests, require_sha256_for_slsa, Prepared};
use super::signature::match_subjects;
use super::stages::{ProvenanceCheck, SignerSummary};
use crate::bundle::{Bundle, Content};
use crate::crypto::{Digest, HashAlgorithm};
use crate::dsse::Subject;
use crate::error::{Error, Stage};
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
    /// The verified statement's subjects (DSSE); empty for message signatures.
    subjects: Vec<Subject>,
    provenance: Option<VerifiedProvenance>,
    /// For SLSA policies, the policy stage's inputs besides the artifact.
    provenance_check: Option<ProvenanceCheck>,
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
        prepared: Prepared<'_>,
        matched_digest: Digest,
        bundle: &Bundle,
        provenance: Option<(VerifiedProvenance, ProvenanceCheck)>,
    ) -> Self {
        let subjects = prepared
            .statement
            .map(|statement| statement.subjects)
            .unwrap_or_default();
        let (provenance, provenance_check) = provenance.unzip();
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
            artifact_sha256: sha256_of(&prepared.digests),
            matched_digest,
            payload: match &bundle.content {
                Content::Dsse(env) => Some((env.payload_type.clone(), env.payload.clone())),
                Content::MessageSignature { .. } => None,
            },
            subjects,
            provenance,
            provenance_check,
        }
    }

    /// The same bundle, verified for another artifact (a release: one provenance for many
    /// binaries, `verify-artifact A B …`). Every check this verification passed but its artifact
    /// step is independent of the artifact, so only that step runs again: the in-toto subject
    /// match (§9.2) for DSSE; for a message signature, which covers one digest only, equality
    /// with that digest. `digests` are the other artifact's, given as for
    /// [`Artifact::Digests`](super::Artifact::Digests). Denials and input errors are those a
    /// whole new verification of the bundle for that artifact gives (tested against it).
    pub fn for_another_artifact(&self, digests: &[Digest]) -> Result<Self, Error> {
        let digests = given_digests(digests).map_err(|e| e.at(Stage::Input))?;
        if self.provenance_check.is_some() {
            require_sha256_for_slsa(&digests).map_err(|e| e.at(Stage::Input))?;
        }
        let matched_digest = if let Some((payload_type, statement)) = &self.payload {
            let matched =
                match_subjects(&self.subjects, &digests).map_err(|e| e.at(Stage::Signature))?;
            if let Some(check) = &self.provenance_check {
                let provenance = check
                    .run(payload_type, statement, &digests)
                    .map_err(|e| e.at(Stage::Provenance))?;
                return Ok(Self {
                    artifact_sha256: sha256_of(&digests),
                    matched_digest: matched,
                    provenance: Some(provenance),
                    ..self.clone()
                });
            }
            matched
        } else {
            // A whole verification would stop at the log entry recording the signed digest.
            let signed = self.matched_digest;
            let against = "transparency log entry";
            match digests.iter().find(|d| d.algorithm() == signed.algorithm()) {
                Some(d) if *d == signed => signed,
                Some(_) => {
                    return Err(Error::ArtifactDigestMismatch { against }.at(Stage::TransparencyLog))
                }
                None => {
                    return Err(Error::ArtifactDigestMissing {
                        algorithm: signed.algorithm(),
                        needed_by: against,
                    }
                    .at(Stage::TransparencyLog))
                }
            }
        };
        Ok(Self {
            artifact_sha256: sha256_of(&digests),
            matched_digest,
            ..self.clone()
        })
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

fn sha256_of(digests: &[Digest]) -> Option<Digest> {
    digests
        .iter()
        .find(|d| d.algorithm() == HashAlgorithm::Sha256)
        .copied()
}
