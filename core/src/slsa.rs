//! SLSA provenance policy (slsa-verifier parity). Interim version: the full module lands
//! with issue 4; until then every SLSA policy is refused, so nothing can pass by omission.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// What the operator requires (slsa-verifier flags).
#[derive(Clone, Debug)]
pub struct SlsaPolicy {
    _source_uri: String,
}

impl SlsaPolicy {
    /// A policy for the given source repository.
    pub fn new(source_uri: &str) -> Result<Self, SlsaError> {
        Ok(Self {
            _source_uri: String::from(source_uri),
        })
    }

    /// Requires this exact source tag.
    pub fn with_source_tag(self, _tag: &str) -> Result<Self, SlsaError> {
        Ok(self)
    }

    /// Requires a semver tag with this prefix (`v1`, `v1.2`, `v1.2.3`).
    pub fn with_source_versioned_tag(self, _version: &str) -> Result<Self, SlsaError> {
        Ok(self)
    }

    /// Requires this source branch.
    pub fn with_source_branch(self, _branch: &str) -> Result<Self, SlsaError> {
        Ok(self)
    }

    /// Requires this builder (`name[@version]`).
    pub fn with_builder_id(self, _builder_id: &str) -> Result<Self, SlsaError> {
        Ok(self)
    }
}

/// Facts from the verified Fulcio leaf certificate.
#[derive(Clone, Debug, Default)]
pub struct CertificateClaims {
    /// First URI SAN.
    pub san_uri: Option<String>,
}

/// Verified provenance.
#[derive(Clone, Debug)]
pub struct VerifiedProvenance {
    statement: Vec<u8>,
}

impl VerifiedProvenance {
    /// The verified in-toto statement bytes.
    pub fn statement(&self) -> &[u8] {
        &self.statement
    }
}

/// SLSA policy failures, named as slsa-verifier names them.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlsaError {
    /// No verifier for this builder.
    VerifierNotSupported,
}

impl SlsaError {
    /// The slsa-verifier sentinel name.
    pub fn slsa_verifier_name(&self) -> &'static str {
        match self {
            Self::VerifierNotSupported => "ErrorVerifierNotSupported",
        }
    }
}

impl fmt::Display for SlsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SLSA provenance verification is not available in this build")
    }
}

/// Checks provenance against the policy.
pub fn verify_provenance(
    _payload_type: &str,
    _statement: &[u8],
    _claims: &CertificateClaims,
    _artifact_sha256: &[u8; 32],
    _policy: &SlsaPolicy,
) -> Result<VerifiedProvenance, SlsaError> {
    Err(SlsaError::VerifierNotSupported)
}
