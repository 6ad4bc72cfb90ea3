//! The JSON documents of an OCI image layout: descriptors, manifests and image indexes
//! (image-spec v1.1; Docker v2 manifests and lists, which `cosign save` writes for older
//! images, have the same shape), read as bounded JSON trees. Unknown members are ignored, as
//! the image spec requires; every collection is bounded.

use alloc::string::String;
use alloc::vec::Vec;

use super::{parse_digest, DOCKER_MANIFEST_LIST, OCI_INDEX};
use crate::crypto::Digest;
use crate::error::{Document, Error};
use crate::json::{self, Value};
use crate::limits::{self, MAX_ANNOTATIONS, MAX_INDEX_MANIFESTS, MAX_MANIFEST_LAYERS};

/// A content descriptor: what a blob is, its digest and size, and its annotations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Descriptor {
    pub(crate) media_type: String,
    pub(crate) digest: Digest,
    pub(crate) size: u64,
    pub(crate) artifact_type: Option<String>,
    pub(crate) annotations: Vec<(String, String)>,
}

impl Descriptor {
    /// The value of annotation `key`.
    pub(crate) fn annotation(&self, key: &str) -> Option<&str> {
        annotation(&self.annotations, key)
    }

    /// A descriptor for a blob known only by its name and size (the referrer search).
    pub(crate) fn probe(digest: Digest, size: u64) -> Self {
        Self {
            media_type: String::new(),
            digest,
            size,
            artifact_type: None,
            annotations: Vec::new(),
        }
    }
}

/// An image manifest or an image index (`index.json` is one).
#[derive(Clone, Debug)]
pub(crate) struct Manifest {
    /// `mediaType`, when the document states it.
    pub(crate) media_type: Option<String>,
    pub(crate) artifact_type: Option<String>,
    pub(crate) config: Option<Descriptor>,
    pub(crate) layers: Vec<Descriptor>,
    /// An index's `manifests`.
    pub(crate) manifests: Vec<Descriptor>,
    pub(crate) subject: Option<Descriptor>,
}

fn invalid(reason: &'static str) -> Error {
    Error::ImageEvidenceInvalid { reason }
}

fn malformed(reason: &'static str) -> Error {
    invalid(reason)
}

/// An optional string member: absent or `null` is `None`; another type is refused.
fn optional_string(value: &Value, key: &str) -> Result<Option<String>, Error> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(malformed("a manifest member is not a string")),
    }
}

/// An optional array member, at most `max` long.
fn optional_array<'a>(
    value: &'a Value,
    key: &str,
    max: usize,
    what: &'static str,
) -> Result<&'a [Value], Error> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) if items.len() > max => Err(Error::LimitExceeded {
            document: Document::Image,
            what,
            limit: max,
        }),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(malformed("a manifest member is not an array")),
    }
}

impl Manifest {
    /// Parses a manifest or index (`schemaVersion` 2).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let doc = json::parse_document(bytes, Document::Image, limits::MAX_MANIFEST_BYTES)?;
        if !matches!(doc, Value::Object(_)) {
            return Err(malformed("a manifest is not a JSON object"));
        }
        if doc.get("schemaVersion").and_then(Value::as_u64) != Some(2) {
            return Err(invalid("manifest schemaVersion is not 2"));
        }
        let descriptors = |key, max, what| {
            optional_array(&doc, key, max, what)?
                .iter()
                .map(Descriptor::from_tree)
                .collect::<Result<Vec<_>, Error>>()
        };
        let single = |key| match doc.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(d) => Descriptor::from_tree(d).map(Some),
        };
        Ok(Self {
            media_type: optional_string(&doc, "mediaType")?,
            artifact_type: optional_string(&doc, "artifactType")?,
            config: single("config")?,
            layers: descriptors("layers", MAX_MANIFEST_LAYERS, "layers in a manifest")?,
            manifests: descriptors(
                "manifests",
                MAX_INDEX_MANIFESTS,
                "descriptors in an image index",
            )?,
            subject: single("subject")?,
        })
    }

    /// Whether this is an image index (it lists manifests and has no config or layers).
    pub(crate) fn is_index(&self) -> bool {
        let typed_as_index = match self.media_type.as_deref() {
            None => true,
            Some(t) => t == OCI_INDEX || t == DOCKER_MANIFEST_LIST,
        };
        typed_as_index && self.config.is_none() && self.layers.is_empty()
    }
}

impl Descriptor {
    fn from_tree(value: &Value) -> Result<Self, Error> {
        let media_type = optional_string(value, "mediaType")?
            .ok_or(malformed("a descriptor has no mediaType"))?;
        let digest = value
            .get("digest")
            .and_then(Value::as_str)
            .and_then(parse_digest)
            .ok_or(invalid(
                "a descriptor's digest is not sha256 or sha512 in lowercase hex",
            ))?;
        let size = value.get("size").and_then(Value::as_u64).ok_or(malformed(
            "a descriptor's size is not a non-negative integer",
        ))?;
        let annotations = match value.get("annotations") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(members)) if members.len() > MAX_ANNOTATIONS => {
                return Err(Error::LimitExceeded {
                    document: Document::Image,
                    what: "annotations",
                    limit: MAX_ANNOTATIONS,
                })
            }
            Some(Value::Object(members)) => members
                .iter()
                .map(|(k, v)| {
                    v.as_str()
                        .map(|v| (k.clone(), String::from(v)))
                        .ok_or(malformed("an annotation is not a string"))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(malformed("annotations are not an object")),
        };
        Ok(Self {
            media_type,
            digest,
            size,
            artifact_type: optional_string(value, "artifactType")?,
            annotations,
        })
    }
}

fn annotation<'a>(list: &'a [(String, String)], key: &str) -> Option<&'a str> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `oci-layout` must announce layout version 1.0.0.
pub(super) fn check_layout_marker(bytes: &[u8]) -> Result<(), Error> {
    let marker = json::parse_document(bytes, Document::Image, 1024)?;
    if marker.get("imageLayoutVersion").and_then(Value::as_str) != Some("1.0.0") {
        return Err(invalid("unsupported imageLayoutVersion"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_cosign_save_index_parses() {
        let index = include_bytes!(
            "../../tests/data/oci/slsa-verifier-gha_generic_container/v1.10.0/container_workflow_dispatch/index.json"
        );
        let m = Manifest::parse(index).unwrap();
        assert!(m.is_index());
        assert_eq!(m.manifests.len(), 2);
        assert_eq!(
            m.manifests[1].annotation("kind"),
            Some("dev.cosignproject.cosign/atts")
        );
    }

    #[test]
    fn collections_are_bounded_and_keys_unique() {
        let layers = alloc::vec![
            r#"{"mediaType":"a","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0}"#;
            MAX_MANIFEST_LAYERS + 1
        ]
        .join(",");
        let doc = alloc::format!(r#"{{"schemaVersion":2,"layers":[{layers}]}}"#);
        assert!(matches!(
            Manifest::parse(doc.as_bytes()),
            Err(Error::LimitExceeded { limit, .. }) if limit == MAX_MANIFEST_LAYERS
        ));
        let repeated = br#"{"schemaVersion":2,"manifests":[{"mediaType":"a","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0,"annotations":{"a":"1","a":"2"}}]}"#;
        assert!(matches!(
            Manifest::parse(repeated),
            Err(Error::MalformedJson {
                document: Document::Image,
                ..
            })
        ));
        assert!(Manifest::parse(br#"{"schemaVersion":1,"manifests":[]}"#).is_err());
        assert!(Manifest::parse(
            br#"{"schemaVersion":2,"manifests":[{"mediaType":"a","digest":"md5:00","size":1}]}"#
        )
        .is_err());
    }
}
