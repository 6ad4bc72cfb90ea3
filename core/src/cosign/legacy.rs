//! cosign's legacy scheme: one layer of a `sha256-<digest>.sig` or `.att` manifest, with its
//! annotations, turned into the bundle the verification pipeline checks — a v0.1-like bundle
//! whose one transparency-log entry carries the Rekor SET and no inclusion proof. Every check
//! is then the pipeline's: the SET and the entry body bound to this signature, certificate and
//! payload; the chain to the trust root's Fulcio CA at the integrated time; the SCT; the
//! signature; identity or SLSA policy.

use alloc::vec;
use alloc::vec::Vec;

use crate::bundle::{
    Bundle, BundleVersion, Content, EntryKind, Envelope, SignerMaterial, TlogEntry,
};
use crate::encoding::{base64_decode, hex_decode};
use crate::error::{Document, Error};
use crate::json::{self, Value};
use crate::limits;
use crate::oci::Descriptor;
use crate::pem;

/// The base64 signature of a `.sig` layer (empty for `.att` layers).
pub(crate) const SIGNATURE: &str = "dev.cosignproject.cosign/signature";
/// The signing certificate, PEM.
pub(crate) const CERTIFICATE: &str = "dev.sigstore.cosign/certificate";
/// The certificate's chain (intermediate and root), PEM.
pub(crate) const CHAIN: &str = "dev.sigstore.cosign/chain";
/// The Rekor bundle: `SignedEntryTimestamp` and `Payload{body, integratedTime, logIndex, logID}`.
pub(crate) const REKOR_BUNDLE: &str = "dev.sigstore.cosign/bundle";
/// An RFC 3161 timestamp: `{"SignedRFC3161Timestamp": base64}`.
pub(crate) const RFC3161_TIMESTAMP: &str = "dev.sigstore.cosign/rfc3161timestamp";

/// Media type of a `.sig` layer.
pub(crate) const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Media type of an `.att` layer.
pub(crate) const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";

fn invalid(reason: &'static str) -> Error {
    Error::ImageEvidenceInvalid { reason }
}

/// The bundle of a `.sig` layer: a message signature over `payload` (the simple-signing
/// document, the layer's bytes).
pub(crate) fn signature_bundle(layer: &Descriptor) -> Result<Bundle, Error> {
    if layer.media_type != SIMPLE_SIGNING {
        return Err(invalid("a signature layer is not a simple-signing payload"));
    }
    let signature = layer
        .annotation(SIGNATURE)
        .and_then(base64_decode)
        .filter(|s| !s.is_empty())
        .ok_or(invalid("a signature layer has no signature annotation"))?;
    let content = Content::MessageSignature {
        // cosign stores no digest hint: the log entry is bound to the payload itself.
        digest: None,
        signature,
    };
    bundle(layer, content)
}

/// The bundle of an `.att` layer: the DSSE envelope stored as the layer (its exact bytes are
/// kept: the log entry records their hash).
pub(crate) fn attestation_bundle(layer: &Descriptor, envelope: &[u8]) -> Result<Bundle, Error> {
    if layer.media_type != DSSE_ENVELOPE {
        return Err(invalid("an attestation layer is not a DSSE envelope"));
    }
    if layer.annotation(SIGNATURE).is_some_and(|s| !s.is_empty()) {
        return Err(invalid("an attestation layer carries a detached signature"));
    }
    bundle(layer, Content::Dsse(stored_envelope(envelope)?))
}

/// A DSSE envelope stored as a layer, its exact bytes kept (the log entry records their hash,
/// and cosign's RFC 3161 timestamps cover them). Its strings are bounded by
/// [`limits::MAX_JSON_STRING_BYTES`] (a 750 KiB statement; real provenance is ~10 KiB).
fn stored_envelope(bytes: &[u8]) -> Result<Envelope, Error> {
    let malformed = || invalid("the attestation layer is not a DSSE envelope");
    let tree = json::parse_document(bytes, Document::Image, limits::MAX_EVIDENCE_LAYER_BYTES)?;
    exactly(&tree, &["payload", "payloadType", "signatures"]).ok_or_else(malformed)?;
    let text = |key| tree.get(key).and_then(Value::as_str).ok_or_else(malformed);
    let payload_type = text("payloadType")?;
    let payload = base64_decode(text("payload")?).ok_or_else(malformed)?;
    let signature = match tree.get("signatures") {
        Some(Value::Array(signatures)) => match signatures.as_slice() {
            [one] => one,
            _ => {
                return Err(Error::DsseInvalid {
                    reason: "envelope must carry exactly one signature",
                })
            }
        },
        _ => return Err(malformed()),
    };
    let keys_ok =
        exactly(signature, &["keyid", "sig"]).is_some() || exactly(signature, &["sig"]).is_some();
    let signature = signature
        .get("sig")
        .and_then(Value::as_str)
        .and_then(base64_decode)
        .filter(|s| keys_ok && !s.is_empty())
        .ok_or_else(malformed)?;
    Ok(Envelope {
        payload_type: payload_type.into(),
        payload,
        signature,
        serialized: Some(bytes.to_vec()),
    })
}

fn bundle(layer: &Descriptor, content: Content) -> Result<Bundle, Error> {
    let (signer, bundled_chain) = signer(layer)?;
    let entry = tlog_entry(layer.annotation(REKOR_BUNDLE).ok_or(invalid(
        "a signature layer has no Rekor bundle (it was not logged)",
    ))?)?;
    let timestamps = match layer.annotation(RFC3161_TIMESTAMP) {
        None => Vec::new(),
        Some(text) => {
            let ts =
                json::parse_document(text.as_bytes(), Document::Image, limits::MAX_BUNDLE_BYTES)?;
            let token = exactly(&ts, &["SignedRFC3161Timestamp"])
                .and_then(|_| ts.get("SignedRFC3161Timestamp"))
                .and_then(Value::as_str)
                .and_then(base64_decode)
                .filter(|t| !t.is_empty())
                .ok_or(invalid("the RFC 3161 timestamp annotation is malformed"))?;
            vec![token]
        }
    };
    Ok(Bundle {
        // SET required, no inclusion proof: what a v0.1 bundle is.
        version: BundleVersion::V0_1,
        signer,
        bundled_chain,
        tlog_entries: vec![entry],
        timestamps,
        content,
    })
}

/// The certificate (and its chain) or, without one, a self-managed key (`cosign sign --key`).
fn signer(layer: &Descriptor) -> Result<(SignerMaterial, Vec<Vec<u8>>), Error> {
    fn certificates(text: &str, max: usize) -> Result<Vec<Vec<u8>>, Error> {
        pem::decode_all(text, max)
            .filter(|blocks| blocks.iter().all(|(label, _)| *label == "CERTIFICATE"))
            .map(|blocks| blocks.into_iter().map(|(_, der)| der).collect())
            .ok_or(Error::CertificateInvalid {
                reason: "certificate annotation is not PEM certificates",
            })
    }
    let Some(text) = layer.annotation(CERTIFICATE).filter(|t| !t.is_empty()) else {
        if layer.annotation(CHAIN).is_some_and(|t| !t.is_empty()) {
            return Err(invalid("a chain annotation without a certificate"));
        }
        return Ok((SignerMaterial::PublicKey, Vec::new()));
    };
    let mut leaf = certificates(text, 1)?;
    let Some(der) = leaf.pop().filter(|_| leaf.is_empty()) else {
        return Err(Error::CertificateInvalid {
            reason: "certificate annotation holds no certificate",
        });
    };
    if der.len() > limits::MAX_CERTIFICATE_BYTES {
        return Err(Error::LimitExceeded {
            document: Document::Image,
            what: "certificate size",
            limit: limits::MAX_CERTIFICATE_BYTES,
        });
    }
    let chain = match layer.annotation(CHAIN) {
        None => Vec::new(),
        Some(text) => certificates(text, limits::MAX_CHAIN_CERTIFICATES)?,
    };
    Ok((SignerMaterial::Certificate(der), chain))
}

/// The Rekor bundle annotation as a transparency-log entry with its SET. The entry's kind is
/// the one its body declares; the log stage checks that the body is of that kind and binds it.
fn tlog_entry(annotation: &str) -> Result<TlogEntry, Error> {
    let malformed = || invalid("the Rekor bundle annotation is malformed");
    let rekor = json::parse_document(
        annotation.as_bytes(),
        Document::Image,
        limits::MAX_BUNDLE_BYTES,
    )?;
    exactly(&rekor, &["SignedEntryTimestamp", "Payload"]).ok_or_else(malformed)?;
    let set = rekor
        .get("SignedEntryTimestamp")
        .and_then(Value::as_str)
        .and_then(base64_decode)
        .ok_or_else(malformed)?;
    let payload = rekor.get("Payload").ok_or_else(malformed)?;
    exactly(payload, &["body", "integratedTime", "logIndex", "logID"]).ok_or_else(malformed)?;
    let field = |key| payload.get(key).ok_or_else(malformed);
    let body = field("body")?
        .as_str()
        .and_then(base64_decode)
        .ok_or(invalid("the Rekor bundle body is not base64"))?;
    let integrated_time = field("integratedTime")?.as_u64().ok_or_else(malformed)?;
    let log_index = field("logIndex")?.as_u64().ok_or_else(malformed)?;
    let log_id = field("logID")?
        .as_str()
        .and_then(hex_decode)
        .filter(|id| !id.is_empty())
        .ok_or(invalid("the Rekor bundle logID is not hex"))?;
    let header = json::parse_document(&body, Document::EntryBody, limits::MAX_BUNDLE_BYTES)?;
    let text = |key| header.get(key).and_then(Value::as_str).unwrap_or_default();
    let kind = match (text("kind"), text("apiVersion")) {
        ("hashedrekord", "0.0.1") => EntryKind::HashedRekordV001,
        ("rekord", "0.0.1") => EntryKind::RekordV001,
        ("intoto", "0.0.1") => EntryKind::IntotoV001,
        ("intoto", "0.0.2") => EntryKind::IntotoV002,
        ("dsse", "0.0.1") => EntryKind::DsseV001,
        _ => return Err(Error::UnsupportedEntryKind),
    };
    if i64::try_from(log_index).is_err() {
        return Err(invalid("the Rekor bundle logIndex is out of range"));
    }
    if integrated_time == 0 {
        return Err(invalid("the Rekor bundle has no integratedTime"));
    }
    Ok(TlogEntry {
        log_index,
        log_id,
        kind,
        integrated_time,
        signed_entry_timestamp: Some(set),
        inclusion_proof: None,
        canonicalized_body: body,
    })
}

/// `Some` when `value` is an object with exactly these members (cosign's structs, which the
/// SET and the annotation share: nothing else may ride along).
fn exactly(value: &Value, keys: &[&str]) -> Option<()> {
    match value {
        Value::Object(members)
            if members.len() == keys.len()
                && members.iter().all(|(k, _)| keys.contains(&k.as_str())) =>
        {
            Some(())
        }
        _ => None,
    }
}
