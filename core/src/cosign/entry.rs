//! Binding the Rekor v1 entry kinds that only legacy cosign evidence carries (`intoto` 0.0.1,
//! `rekord` 0.0.1) to that evidence, and the envelope hash every legacy attestation entry
//! records. Called by `tlog::bind_body`, after the kind and version were matched.
//!
//! What the body records is compared with what the layer holds; nothing is re-serialised: the
//! envelope hash is compared with the SHA-256 of the layer's own bytes (cosign `VerifyBundle`:
//! the body's hash must be the hash of the signed layer).

use alloc::string::String;

use serde::Deserialize;

use crate::bundle::TlogEntry;
use crate::crypto::{self, HashAlgorithm};
use crate::encoding::{base64_decode, hex_decode};
use crate::error::Error;
use crate::tlog::{
    bind_artifact_digest, bind_payload_hash, dsse_content, mismatch, parse_body,
    signer_matches_pem, Binding, BoundContent, HexHash,
};

/// `intoto` 0.0.1 records the hash of the whole envelope (which covers its signature), the
/// hash of its payload and the signer; not the signature itself.
pub(crate) fn bind_intoto_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: IntotoV001 = parse_body(&entry.canonicalized_body)?;
    let envelope = dsse_content(binding)?;
    let content = body.spec.content;
    if envelope.serialized.is_none() {
        return Err(mismatch(
            "envelope hash (the logged envelope is not available)",
        ));
    }
    // The envelope hash itself is compared by `bind_stored_envelope`.
    if let Some(payload_hash) = content.payload_hash {
        let value = hex_decode(&payload_hash.value).ok_or(mismatch("payload hash"))?;
        bind_payload_hash(envelope, &payload_hash.algorithm, &value)?;
    }
    if !signer_matches_pem(&body.spec.public_key, binding.signer) {
        return Err(mismatch("public key"));
    }
    Ok(())
}

/// `rekord` 0.0.1 (cosign before `hashedrekord`): the signature, the signer as an X.509 PEM
/// and the SHA-256 of the signed data.
pub(crate) fn bind_rekord_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: RekordV001 = parse_body(&entry.canonicalized_body)?;
    let BoundContent::Message { digests, .. } = binding.content else {
        return Err(mismatch("entry kind (rekord for a DSSE envelope)"));
    };
    let spec = body.spec;
    if spec.signature.format != "x509" {
        return Err(mismatch("signature format"));
    }
    let signature = base64_decode(&spec.signature.content).ok_or(mismatch("signature"))?;
    if !crypto::bytes_equal(&signature, binding.signature) {
        return Err(mismatch("signature"));
    }
    if !signer_matches_pem(&spec.signature.public_key.content, binding.signer) {
        return Err(mismatch("public key"));
    }
    let hash = spec.data.hash;
    if hash.algorithm != "sha256" {
        return Err(mismatch("digest algorithm"));
    }
    let value = hex_decode(&hash.value).ok_or(mismatch("digest"))?;
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
    let body: EnvelopeHashBody = parse_body(&entry.canonicalized_body)?;
    let recorded = match (
        body.spec.envelope_hash,
        body.spec.content.and_then(|c| c.hash),
    ) {
        (Some(h), None) | (None, Some(h)) => h,
        (None, None) => return Err(mismatch("envelope hash (not recorded)")),
        (Some(_), Some(_)) => return Err(mismatch("envelope hash (recorded twice)")),
    };
    if recorded.algorithm != "sha256" {
        return Err(mismatch("envelope hash algorithm"));
    }
    let value = hex_decode(&recorded.value).ok_or(mismatch("envelope hash"))?;
    if crypto::bytes_equal(&crypto::sha256(stored), &value) {
        Ok(())
    } else {
        Err(mismatch("envelope hash"))
    }
}

// ---- Body models (only the fields bound; Rekor canonicalises bodies) ----

#[derive(Deserialize)]
struct IntotoV001 {
    spec: IntotoV001Spec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoV001Spec {
    content: IntotoV001Content,
    public_key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoV001Content {
    payload_hash: Option<HexHash>,
}

#[derive(Deserialize)]
struct RekordV001 {
    spec: RekordV001Spec,
}

#[derive(Deserialize)]
struct RekordV001Spec {
    data: RekordV001Data,
    signature: RekordV001Signature,
}

#[derive(Deserialize)]
struct RekordV001Data {
    hash: HexHash,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RekordV001Signature {
    content: String,
    format: String,
    public_key: RekordPublicKey,
}

#[derive(Deserialize)]
struct RekordPublicKey {
    content: String,
}

#[derive(Deserialize)]
struct EnvelopeHashBody {
    spec: EnvelopeHashSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeHashSpec {
    envelope_hash: Option<HexHash>,
    content: Option<EnvelopeHashContent>,
}

#[derive(Deserialize)]
struct EnvelopeHashContent {
    hash: Option<HexHash>,
}
