//! The JSON documents of an OCI image layout: descriptors, manifests and image indexes
//! (image-spec v1.1; Docker v2 manifests and lists, which `cosign save` writes for older
//! images, have the same shape). Unknown members are ignored, as the image spec requires;
//! every collection is bounded.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use super::{parse_digest, DOCKER_MANIFEST_LIST, OCI_INDEX};
use crate::crypto::Digest;
use crate::error::{Document, Error};
use crate::json::{self, Bounded, BoundedMap};
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

impl Manifest {
    /// Parses a manifest or index (`schemaVersion` 2).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let doc: ManifestJson = json::parse(bytes, Document::Image, limits::MAX_MANIFEST_BYTES)?;
        if doc.schema_version != 2 {
            return Err(invalid("manifest schemaVersion is not 2"));
        }
        let descriptors = |list: Option<Bounded<DescriptorJson, MAX_INDEX_MANIFESTS>>| {
            list.unwrap_or_default()
                .into_vec(Document::Image, "descriptors in an image index")?
                .into_iter()
                .map(DescriptorJson::into_descriptor)
                .collect::<Result<Vec<_>, Error>>()
        };
        let layers = doc
            .layers
            .unwrap_or_default()
            .into_vec(Document::Image, "layers in a manifest")?
            .into_iter()
            .map(DescriptorJson::into_descriptor)
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Self {
            media_type: doc.media_type,
            artifact_type: doc.artifact_type,
            config: doc
                .config
                .map(DescriptorJson::into_descriptor)
                .transpose()?,
            layers,
            manifests: descriptors(doc.manifests)?,
            subject: doc
                .subject
                .map(DescriptorJson::into_descriptor)
                .transpose()?,
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

fn annotation<'a>(list: &'a [(String, String)], key: &str) -> Option<&'a str> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn annotations(map: Option<BoundedMap<MAX_ANNOTATIONS>>) -> Result<Vec<(String, String)>, Error> {
    map.unwrap_or_default()
        .into_vec(Document::Image, "annotations")
}

/// `oci-layout` must announce layout version 1.0.0.
pub(super) fn check_layout_marker(bytes: &[u8]) -> Result<(), Error> {
    let marker: LayoutMarkerJson = json::parse(bytes, Document::Image, 1024)?;
    if marker.image_layout_version != "1.0.0" {
        return Err(invalid("unsupported imageLayoutVersion"));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LayoutMarkerJson {
    image_layout_version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestJson {
    schema_version: u32,
    media_type: Option<String>,
    artifact_type: Option<String>,
    config: Option<DescriptorJson>,
    layers: Option<Bounded<DescriptorJson, MAX_MANIFEST_LAYERS>>,
    manifests: Option<Bounded<DescriptorJson, MAX_INDEX_MANIFESTS>>,
    subject: Option<DescriptorJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorJson {
    media_type: String,
    digest: String,
    size: u64,
    artifact_type: Option<String>,
    annotations: Option<BoundedMap<MAX_ANNOTATIONS>>,
}

impl DescriptorJson {
    fn into_descriptor(self) -> Result<Descriptor, Error> {
        let digest = parse_digest(&self.digest).ok_or(invalid(
            "a descriptor's digest is not sha256 or sha512 in lowercase hex",
        ))?;
        Ok(Descriptor {
            media_type: self.media_type,
            digest,
            size: self.size,
            artifact_type: self.artifact_type,
            annotations: annotations(self.annotations)?,
        })
    }
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
