//! Binding the Rekor v1 entry kinds that only legacy cosign evidence carries (`intoto` 0.0.1,
//! `rekord` 0.0.1) to that evidence, and the envelope hash every legacy attestation entry
//! records. Called by `tlog::bind_body`, after the kind and version were matched.
//!
//! What the body records is compared with what the layer holds; nothing is re-serialised: the
//! envelope hash is compared with the SHA-256 of the layer's own bytes (cosign `VerifyBundle`:
//! the body's hash must be the hash of the signed layer).

use alloc::vec::Vec;

use crate::bundle::TlogEntry;
use crate::crypto::{self, HashAlgorithm};
use crate::encoding::{base64_decode, hex_decode};
use crate::error::{Document, Error};
use crate::json::{self, Value};
use crate::limits;
use crate::tlog::{
    bind_artifact_digest, bind_payload_hash, dsse_content, mismatch, signer_matches_pem, Binding,
    BoundContent,
};

/// `intoto` 0.0.1 records the hash of the whole envelope (which covers its signature), the
/// hash of its payload and the signer; not the signature itself.
pub(crate) fn bind_intoto_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body = body(entry)?;
    let envelope = dsse_content(binding)?;
    if envelope.serialized.is_none() {
        return Err(mismatch(
            "envelope hash (the logged envelope is not available)",
        ));
    }
    let spec = body.get("spec");
    // The envelope hash itself is compared by `bind_stored_envelope`.
    if let Some(payload_hash) = spec
        .and_then(|s| s.get("content"))
        .and_then(|c| c.get("payloadHash"))
    {
        let (algorithm, value) = hex_hash(payload_hash).ok_or(mismatch("payload hash"))?;
        bind_payload_hash(envelope, algorithm, &value)?;
    }
    let key = spec
        .and_then(|s| s.get("publicKey"))
        .and_then(Value::as_str)
        .ok_or(mismatch("public key"))?;
    if !signer_matches_pem(key, binding.signer) {
        return Err(mismatch("public key"));
    }
    Ok(())
}

/// `rekord` 0.0.1 (cosign before `hashedrekord`): the signature, the signer as an X.509 PEM
/// and the SHA-256 of the signed data.
pub(crate) fn bind_rekord_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body = body(entry)?;
    let BoundContent::Message { digests, .. } = binding.content else {
        return Err(mismatch("entry kind (rekord for a DSSE envelope)"));
    };
    let spec = body.get("spec");
    let signature = spec.and_then(|s| s.get("signature"));
    if text(signature, "format") != Some("x509") {
        return Err(mismatch("signature format"));
    }
    let logged = text(signature, "content")
        .and_then(base64_decode)
        .ok_or(mismatch("signature"))?;
    if !crypto::bytes_equal(&logged, binding.signature) {
        return Err(mismatch("signature"));
    }
    let key = text(signature.and_then(|s| s.get("publicKey")), "content")
        .ok_or(mismatch("public key"))?;
    if !signer_matches_pem(key, binding.signer) {
        return Err(mismatch("public key"));
    }
    let (algorithm, value) = spec
        .and_then(|s| s.get("data"))
        .and_then(|d| d.get("hash"))
        .and_then(hex_hash)
        .ok_or(mismatch("digest"))?;
    if algorithm != "sha256" {
        return Err(mismatch("digest algorithm"));
    }
    bind_artifact_digest(digests, HashAlgorithm::Sha256, &value)
}

/// For an envelope stored as a document of its own (a legacy cosign attestation layer): the
/// hash of the whole envelope that the entry records (`dsse` 0.0.1 `envelopeHash`, `intoto`
/// `content.hash`) must be the SHA-256 of the stored bytes. Required for `intoto` 0.0.1 (its
/// only binding to the signature) and `dsse` 0.0.1 (cosign requires it); checked for `intoto`
/// 0.0.2 when recorded. Nothing to do for other content.
pub(crate) fn bind_stored_envelope(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let BoundContent::Dsse(envelope) = binding.content else {
        return Ok(());
    };
    let Some(stored) = &envelope.serialized else {
        return Ok(());
    };
    let body = body(entry)?;
    let spec = body.get("spec");
    let envelope_hash = spec.and_then(|s| s.get("envelopeHash"));
    let content_hash = spec
        .and_then(|s| s.get("content"))
        .and_then(|c| c.get("hash"));
    let recorded = match (envelope_hash, content_hash) {
        (Some(h), None) | (None, Some(h)) => h,
        (None, None) => return Err(mismatch("envelope hash (not recorded)")),
        (Some(_), Some(_)) => return Err(mismatch("envelope hash (recorded twice)")),
    };
    let (algorithm, value) = hex_hash(recorded).ok_or(mismatch("envelope hash"))?;
    if algorithm != "sha256" {
        return Err(mismatch("envelope hash algorithm"));
    }
    if crypto::bytes_equal(&crypto::sha256(stored), &value) {
        Ok(())
    } else {
        Err(mismatch("envelope hash"))
    }
}

fn text<'a>(value: Option<&'a Value>, key: &str) -> Option<&'a str> {
    value.and_then(|v| v.get(key)).and_then(Value::as_str)
}

/// The entry body as a bounded tree (Rekor canonicalises bodies; only the fields bound are
/// read).
fn body(entry: &TlogEntry) -> Result<Value, Error> {
    json::parse_document(
        &entry.canonicalized_body,
        Document::EntryBody,
        limits::MAX_BUNDLE_BYTES,
    )
}

/// A Rekor `{"algorithm": …, "value": <hex>}`.
fn hex_hash(value: &Value) -> Option<(&str, Vec<u8>)> {
    let algorithm = value.get("algorithm").and_then(Value::as_str)?;
    let hex = value.get("value").and_then(Value::as_str)?;
    Some((algorithm, hex_decode(hex)?))
}
