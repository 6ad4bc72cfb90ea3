//! Transparency-log entry bodies (`canonicalizedBody`), each the canonical JSON its log
//! would store: Rekor v1 `hashedrekord` 0.0.1, `dsse` 0.0.1, `intoto` 0.0.2; Rekor v2
//! `hashedrekord` 0.0.2 and the historical `dsse` 0.0.2.

use serde_json::{json, Value};

use crate::crypto::{b64, hex, HashAlg, KeyAlg};
use crate::json::canonical;
use crate::Error;

/// `(kind, apiVersion)` of an entry.
pub(crate) type KindVersion = (&'static str, &'static str);

/// The signer as a Rekor v1 body records it: base64 of a PEM certificate or public key.
pub(crate) fn v1_verifier(pem: &str) -> String {
    b64(pem.as_bytes())
}

pub(crate) fn hashedrekord_v001(
    hash: HashAlg,
    digest: &[u8],
    signature: &[u8],
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": hash.name(), "value": hex(digest)}},
            "signature": {
                "content": b64(signature),
                "publicKey": {"content": v1_verifier(signer_pem)}
            }
        }
    });
    Ok((("hashedrekord", "0.0.1"), canonical(&body)?))
}

/// The envelope as a client submits it (its hash is recorded but cannot be checked, since
/// the submitted JSON is not canonical).
pub(crate) fn envelope_json(payload_type: &str, payload: &[u8], signature: &[u8]) -> Value {
    json!({
        "payload": b64(payload),
        "payloadType": payload_type,
        "signatures": [{"keyid": "", "sig": b64(signature)}]
    })
}

pub(crate) fn dsse_v001(
    payload_type: &str,
    payload: &[u8],
    signature: &[u8],
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let envelope = canonical(&envelope_json(payload_type, payload, signature))?;
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(&envelope))},
            "payloadHash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(payload))},
            "signatures": [{"signature": b64(signature), "verifier": v1_verifier(signer_pem)}]
        }
    });
    Ok((("dsse", "0.0.1"), canonical(&body)?))
}

/// intoto 0.0.2: the envelope's base64 text was stored as `bytes`, so payload and signature
/// appear base64-encoded twice.
pub(crate) fn intoto_v002(
    payload_type: &str,
    payload: &[u8],
    signature: &[u8],
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let envelope = canonical(&envelope_json(payload_type, payload, signature))?;
    let body = json!({
        "apiVersion": "0.0.2",
        "kind": "intoto",
        "spec": {
            "content": {
                "envelope": {
                    "payload": b64(b64(payload).as_bytes()),
                    "payloadType": payload_type,
                    "signatures": [{
                        "publicKey": v1_verifier(signer_pem),
                        "sig": b64(b64(signature).as_bytes())
                    }]
                },
                "hash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(&envelope))},
                "payloadHash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(payload))}
            }
        }
    });
    Ok((("intoto", "0.0.2"), canonical(&body)?))
}

/// How a Rekor v2 entry records the signer.
#[derive(Clone, Debug)]
pub(crate) enum V2Verifier {
    /// `x509Certificate.rawBytes`: the leaf DER.
    Certificate(Vec<u8>),
    /// `publicKey.rawBytes`: a DER SubjectPublicKeyInfo.
    PublicKey(Vec<u8>),
}

fn v2_verifier(verifier: &V2Verifier, key: KeyAlg) -> Value {
    match verifier {
        V2Verifier::Certificate(der) => json!({
            "keyDetails": key.key_details(),
            "x509Certificate": {"rawBytes": b64(der)}
        }),
        V2Verifier::PublicKey(spki) => json!({
            "keyDetails": key.key_details(),
            "publicKey": {"rawBytes": b64(spki)}
        }),
    }
}

/// hashedrekord 0.0.2: `digest` is the artifact's (message signatures) or the DSSE PAE's
/// digest in the key's hash.
pub(crate) fn hashedrekord_v002(
    hash: HashAlg,
    digest: &[u8],
    signature: &[u8],
    verifier: &V2Verifier,
    key: KeyAlg,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let body = json!({
        "apiVersion": "0.0.2",
        "kind": "hashedrekord",
        "spec": {"hashedRekordV002": {
            "data": {"algorithm": hash.proto_name(), "digest": b64(digest)},
            "signature": {"content": b64(signature), "verifier": v2_verifier(verifier, key)}
        }}
    });
    Ok((("hashedrekord", "0.0.2"), canonical(&body)?))
}

/// dsse 0.0.2 (rekor-tiles until June 2026).
pub(crate) fn dsse_v002(
    payload: &[u8],
    signature: &[u8],
    verifier: &V2Verifier,
    key: KeyAlg,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let body = json!({
        "apiVersion": "0.0.2",
        "kind": "dsse",
        "spec": {"dsseV002": {
            "payloadHash": {"algorithm": "SHA2_256", "digest": b64(&HashAlg::Sha256.digest(payload))},
            "signatures": [{"content": b64(signature), "verifier": v2_verifier(verifier, key)}]
        }}
    });
    Ok((("dsse", "0.0.2"), canonical(&body)?))
}

/// DSSE pre-authentication encoding.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}
