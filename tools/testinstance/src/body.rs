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

/// intoto 0.0.1 (cosign's legacy attestations): the hash of the whole envelope as submitted
/// (`envelope`, its exact bytes), the payload hash and the signer; no signature.
pub(crate) fn intoto_v001(
    envelope: &[u8],
    payload: &[u8],
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "intoto",
        "spec": {
            "content": {
                "hash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(envelope))},
                "payloadHash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(payload))}
            },
            "publicKey": v1_verifier(signer_pem)
        }
    });
    Ok((("intoto", "0.0.1"), canonical(&body)?))
}

/// rekord 0.0.1 (cosign before hashedrekord): signature, X.509 signer and the data's SHA-256.
pub(crate) fn rekord_v001(
    data: &[u8],
    signature: &[u8],
    signer_pem: &str,
) -> Result<(KindVersion, Vec<u8>), Error> {
    let body = json!({
        "apiVersion": "0.0.1",
        "kind": "rekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": hex(&HashAlg::Sha256.digest(data))}},
            "signature": {
                "content": b64(signature),
                "format": "x509",
                "publicKey": {"content": v1_verifier(signer_pem)}
            }
        }
    });
    Ok((("rekord", "0.0.1"), canonical(&body)?))
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

#[cfg(test)]
mod tests {
    //! Rebuilds the entry bodies of real bundles (sigstore-conformance copies in
    //! core/tests/data) from the bundle fields alone, byte for byte.

    use base64::Engine as _;
    use serde_json::Value;

    use super::*;
    use crate::crypto::pem;

    fn case(name: &str) -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../core/tests/data/sigstore-conformance")
            .join(name)
            .join("bundle.sigstore.json");
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    fn unb64(v: &Value) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap()
    }

    fn logged(b: &Value) -> Vec<u8> {
        unb64(&b["verificationMaterial"]["tlogEntries"][0]["canonicalizedBody"])
    }

    #[test]
    fn hashedrekord_v001_matches_a_real_entry() {
        let b = case("happy-path-v0.3");
        let cert = unb64(&b["verificationMaterial"]["certificate"]["rawBytes"]);
        let (kv, body) = hashedrekord_v001(
            HashAlg::Sha256,
            &unb64(&b["messageSignature"]["messageDigest"]["digest"]),
            &unb64(&b["messageSignature"]["signature"]),
            &pem("CERTIFICATE", &cert),
        )
        .unwrap();
        assert_eq!(kv, ("hashedrekord", "0.0.1"));
        assert_eq!(
            String::from_utf8(body).unwrap(),
            String::from_utf8(logged(&b)).unwrap()
        );
    }

    #[test]
    fn hashedrekord_v002_matches_real_entries() {
        let b = case("rekor2-happy-path");
        let cert = unb64(&b["verificationMaterial"]["certificate"]["rawBytes"]);
        let (_, body) = hashedrekord_v002(
            HashAlg::Sha256,
            &unb64(&b["messageSignature"]["messageDigest"]["digest"]),
            &unb64(&b["messageSignature"]["signature"]),
            &V2Verifier::Certificate(cert),
            KeyAlg::EcdsaP256,
        )
        .unwrap();
        assert_eq!(body, logged(&b));

        // DSSE in Rekor v2: hashedrekord over the PAE.
        let b = case("rekor2-dsse-happy-path");
        let cert = unb64(&b["verificationMaterial"]["certificate"]["rawBytes"]);
        let env = &b["dsseEnvelope"];
        let pae = pae(
            env["payloadType"].as_str().unwrap(),
            &unb64(&env["payload"]),
        );
        let (_, body) = hashedrekord_v002(
            HashAlg::Sha256,
            &HashAlg::Sha256.digest(&pae),
            &unb64(&env["signatures"][0]["sig"]),
            &V2Verifier::Certificate(cert),
            KeyAlg::EcdsaP256,
        )
        .unwrap();
        assert_eq!(body, logged(&b));
    }

    /// The envelope hash covers the JSON the client submitted, which cannot be rebuilt; every
    /// other byte must match.
    fn without_envelope_hash(body: &[u8]) -> Value {
        let mut v: Value = serde_json::from_slice(body).unwrap();
        let spec = v["spec"].as_object_mut().unwrap();
        spec.remove("envelopeHash");
        if let Some(content) = spec.get_mut("content").and_then(Value::as_object_mut) {
            content.remove("hash");
            // PEM line wrapping differs between producers (sigstore-js writes one long line);
            // compare the PEM text without line breaks.
            if let Some(key) = content
                .get_mut("envelope")
                .and_then(|e| e.pointer_mut("/signatures/0/publicKey"))
            {
                let pem = String::from_utf8(unb64(key)).unwrap();
                *key = Value::String(pem.replace('\n', ""));
            }
        }
        v
    }

    #[test]
    fn dsse_v001_and_intoto_v002_match_real_entries() {
        let b = case("happy-path-intoto-in-dsse-v3");
        let cert = unb64(&b["verificationMaterial"]["certificate"]["rawBytes"]);
        let env = &b["dsseEnvelope"];
        let (_, body) = dsse_v001(
            env["payloadType"].as_str().unwrap(),
            &unb64(&env["payload"]),
            &unb64(&env["signatures"][0]["sig"]),
            &pem("CERTIFICATE", &cert),
        )
        .unwrap();
        assert_eq!(
            without_envelope_hash(&body),
            without_envelope_hash(&logged(&b))
        );

        let b = case("intoto-with-custom-trust-root");
        let cert = unb64(
            &b["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"],
        );
        let env = &b["dsseEnvelope"];
        let (_, body) = intoto_v002(
            env["payloadType"].as_str().unwrap(),
            &unb64(&env["payload"]),
            &unb64(&env["signatures"][0]["sig"]),
            &pem("CERTIFICATE", &cert),
        )
        .unwrap();
        assert_eq!(
            without_envelope_hash(&body),
            without_envelope_hash(&logged(&b))
        );
    }
}
