//! cosign's simple-signing payload (`application/vnd.dev.cosign.simplesigning.v1+json`), the
//! message a legacy `.sig` signature signs: which image manifest it is about.
//!
//! ```json
//! {"critical":{"identity":{"docker-reference":"ghcr.io/org/app"},
//!              "image":{"docker-manifest-digest":"sha256:…"},
//!              "type":"cosign container image signature"},
//!  "optional":{…}}
//! ```

use alloc::string::String;

use crate::crypto::Digest;
use crate::error::{Document, Error};
use crate::json::{self, Value};
use crate::limits;
use crate::oci::parse_digest;

/// `critical.type` of a cosign image signature.
pub(crate) const COSIGN_SIGNATURE_TYPE: &str = "cosign container image signature";

/// What a simple-signing payload claims. Read before the signature is checked, so nothing in it
/// counts until the pipeline verified the signature over these very bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SimpleSigning {
    /// `critical.image.docker-manifest-digest`: the image the signature is for.
    pub(crate) manifest_digest: Digest,
    /// `critical.identity.docker-reference`: where the image was pushed (informational).
    pub(crate) docker_reference: Option<String>,
}

impl SimpleSigning {
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, Error> {
        let invalid = |reason| Error::ImageEvidenceInvalid { reason };
        let doc = json::parse_document(payload, Document::Image, limits::MAX_EVIDENCE_LAYER_BYTES)?;
        let only = |value: &Value, keys: &[&str]| match value {
            Value::Object(members) => members.iter().all(|(k, _)| keys.contains(&k.as_str())),
            _ => false,
        };
        // "critical" means what it says: an unknown member there (or at the top) is refused.
        if !only(&doc, &["critical", "optional"]) {
            return Err(invalid("simple-signing payload has unknown members"));
        }
        let critical = doc
            .get("critical")
            .ok_or(invalid("simple-signing payload has no critical"))?;
        let image = critical.get("image");
        let identity = critical.get("identity");
        if !only(critical, &["identity", "image", "type"])
            || !image.is_some_and(|i| only(i, &["docker-manifest-digest"]))
            || !identity.is_none_or(|i| only(i, &["docker-reference"]))
        {
            return Err(invalid("simple-signing critical section is malformed"));
        }
        if critical.get("type").and_then(Value::as_str) != Some(COSIGN_SIGNATURE_TYPE) {
            return Err(invalid(
                "simple-signing type is not \"cosign container image signature\"",
            ));
        }
        let manifest_digest = image
            .and_then(|i| i.get("docker-manifest-digest"))
            .and_then(Value::as_str)
            .and_then(parse_digest)
            .ok_or(invalid(
                "simple-signing docker-manifest-digest is not a digest",
            ))?;
        Ok(Self {
            manifest_digest,
            docker_reference: identity
                .and_then(|i| i.get("docker-reference"))
                .and_then(Value::as_str)
                .map(String::from),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:a74d89d8dd863ca5dae4a29e0feede81ddf59197849a80784af5a02ab7786925";

    fn payload(critical: &str) -> alloc::vec::Vec<u8> {
        alloc::format!(r#"{{"critical":{critical},"optional":{{"a":[1,{{"b":null}}]}}}}"#)
            .into_bytes()
    }

    #[test]
    fn the_claim_names_the_image() {
        let ok = payload(&alloc::format!(
            r#"{{"identity":{{"docker-reference":"ghcr.io/o/r"}},"image":{{"docker-manifest-digest":"{DIGEST}"}},"type":"cosign container image signature"}}"#
        ));
        let s = SimpleSigning::parse(&ok).unwrap();
        assert_eq!(s.manifest_digest, parse_digest(DIGEST).unwrap());
        assert_eq!(s.docker_reference.as_deref(), Some("ghcr.io/o/r"));
    }

    #[test]
    fn other_types_and_unknown_critical_members_are_refused() {
        for critical in [
            alloc::format!(
                r#"{{"image":{{"docker-manifest-digest":"{DIGEST}"}},"type":"atomic container signature"}}"#
            ),
            alloc::format!(
                r#"{{"image":{{"docker-manifest-digest":"{DIGEST}"}},"type":"cosign container image signature","extra":1}}"#
            ),
            String::from(
                r#"{"image":{"docker-manifest-digest":"sha256:00"},"type":"cosign container image signature"}"#,
            ),
            String::from(r#"{"type":"cosign container image signature"}"#),
        ] {
            assert!(
                SimpleSigning::parse(&payload(&critical)).is_err(),
                "{critical}"
            );
        }
    }
}
