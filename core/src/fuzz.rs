//! Entry points for the fuzz targets in `fuzz/` (built only with the `fuzzing` feature).
//!
//! **Not public API.** These functions reach the crate's private parsers (checkpoints, SCT
//! lists, RFC 3161 responses, DSSE envelopes, leaf certificates) so that libFuzzer can drive
//! them directly; they may change or disappear in any release. Each one runs exactly the code
//! the verifier runs and returns its verdict; none of them relaxes a check.

use alloc::vec::Vec;

use crate::bundle::Envelope;
use crate::checkpoint::Checkpoint;
use crate::ct;
use crate::dsse::{self, Statement, IN_TOTO_PAYLOAD_TYPE};
use crate::error::Error;
use crate::trust_root::TrustRoot;
use crate::tsa;
use crate::x509::{Leaf, VerifiedChain};

/// Parses a checkpoint (signed note) and checks its signature against every transparency log
/// of `root`, under both of the key names the verifier uses (Rekor v1 authority, Rekor v2
/// host). Returns how many logs' signatures verified.
pub fn checkpoint(text: &[u8], root: &TrustRoot) -> Result<usize, Error> {
    let text = core::str::from_utf8(text).map_err(|_| Error::CheckpointInvalid {
        reason: "not UTF-8",
    })?;
    let checkpoint = Checkpoint::parse(text)?;
    let mut verified = 0;
    for log in &root.tlogs {
        let Some(key) = log.key.as_ref() else {
            continue;
        };
        let mut hint = [0u8; 4];
        for (dst, src) in hint.iter_mut().zip(&log.log_id) {
            *dst = *src;
        }
        for name in [
            None,
            Some(log.authority.as_str()),
            Some(log.hostname.as_str()),
        ] {
            if checkpoint.verify_signature(name, hint, key).is_ok() {
                verified += 1;
            }
        }
    }
    Ok(verified)
}

/// Parses a TLS-encoded `SignedCertificateTimestampList`; returns the number of SCTs.
pub fn sct_list(data: &[u8]) -> Result<usize, Error> {
    ct::sct_count(data)
}

/// Parses `leaf_der` as a signing certificate (Fulcio profile, SANs, extensions), validates
/// its path to `root` at its `notBefore`, and runs the embedded-SCT verification with the
/// precertificate rebuild. When the path does not validate (as for nearly every fuzzed
/// certificate) the SCT stage still runs, with an empty issuer key, so that its parsing and
/// rebuilding are reached. Returns the number of CT logs that vouched.
pub fn embedded_scts(leaf_der: &[u8], root: &TrustRoot) -> Result<usize, Error> {
    let leaf = Leaf::parse(leaf_der)?;
    leaf.check_code_signing_profile()?;
    leaf.oidc_issuer()?;
    let chain = leaf
        .verify_chain_at(&root.certificate_authorities, leaf.not_before)
        .unwrap_or(VerifiedChain {
            issuer_spki: Vec::new(),
        });
    ct::verify_embedded_scts(&leaf, &chain, root)
}

/// Verifies a DER `TimeStampResp` over `signature` against the timestamping authorities of
/// `root`; returns the verified time (Unix seconds).
pub fn timestamp(response: &[u8], signature: &[u8], root: &TrustRoot) -> Result<u64, Error> {
    tsa::verify_timestamp(response, signature, root).map(|t| t.time.as_secs())
}

/// Parses a DSSE envelope (JSON, through the bundle's model and limits), computes its PAE, and
/// parses its payload as an in-toto statement when the payload type says it is one. Returns
/// the number of statement subjects (0 for other payload types).
pub fn dsse_envelope(json: &[u8]) -> Result<usize, Error> {
    let envelope = Envelope::from_json(json)?;
    let pae = dsse::pae(&envelope.payload_type, &envelope.payload);
    if pae.len() < envelope.payload.len() {
        return Err(Error::DsseInvalid {
            reason: "PAE shorter than its payload",
        });
    }
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Ok(0);
    }
    statement(&envelope.payload)
}

/// Parses an in-toto statement (the decoded DSSE payload); returns the number of subjects.
pub fn statement(payload: &[u8]) -> Result<usize, Error> {
    Statement::parse(payload).map(|s| s.subjects.len())
}
