//! OCI image layouts (image-spec v1.1 `image-layout.md`): `oci-layout`, `index.json`, image
//! indexes, manifests and descriptors, read through a caller-supplied [`BlobSource`].
//!
//! The core does no I/O: the caller reads the layout's files (the agent from a directory, tests
//! from memory), always within the byte limit the core names. Every blob read is checked
//! against the descriptor that named it — its size, then its digest — before anything is
//! parsed from it, so a layout can be copied through untrusted hands.

use alloc::string::String;
use alloc::vec::Vec;

use crate::crypto::{self, Digest, HashAlgorithm};
use crate::encoding::hex_encode;
use crate::error::{Document, Error};
use crate::limits;

mod manifest;

pub(crate) use manifest::{Descriptor, Manifest};

/// `application/vnd.oci.image.manifest.v1+json`.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// `application/vnd.oci.image.index.v1+json`.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// `application/vnd.docker.distribution.manifest.v2+json`.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// `application/vnd.docker.distribution.manifest.list.v2+json`.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// A file of an OCI image layout, as the core asks a [`BlobSource`] for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayoutFile<'a> {
    /// `oci-layout`: `{"imageLayoutVersion":"1.0.0"}`.
    OciLayout,
    /// `index.json`: the layout's entry points.
    Index,
    /// `blobs/<algorithm>/<hex>`: content named by its digest.
    Blob(&'a Digest),
}

impl LayoutFile<'_> {
    /// The path of the file relative to the layout's root directory: `oci-layout`,
    /// `index.json` or `blobs/sha256/<64 lowercase hex>`.
    pub fn path(&self) -> String {
        match self {
            Self::OciLayout => String::from("oci-layout"),
            Self::Index => String::from("index.json"),
            Self::Blob(d) => {
                let mut path = String::from("blobs/");
                path.push_str(d.algorithm().rekor_name());
                path.push('/');
                path.push_str(&hex_encode(d.as_bytes()));
                path
            }
        }
    }
}

/// Why a [`BlobSource`] could not hand over a file.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceError {
    /// The file does not exist (or is not a regular file).
    NotFound,
    /// The file holds more bytes than the limit asked for; it was not read whole.
    TooLarge,
    /// The file exists but could not be read (permissions, I/O error). Nothing is decided.
    Unreadable,
}

/// Where the files of an OCI image layout come from: a directory, an archive, memory. The core
/// asks for each file with a byte limit and checks everything it is given.
pub trait BlobSource {
    /// The bytes of `file`, if it exists and holds at most `limit` bytes
    /// ([`SourceError::TooLarge`] otherwise: never read more than `limit + 1` bytes).
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError>;

    /// The blobs the layout holds, as (digest, size in bytes), in any order; at most `limit`
    /// of them ([`SourceError::TooLarge`] if there are more). Used only to find OCI 1.1
    /// referrers, which no `index.json` entry names; a source that cannot list returns an
    /// empty list. Names that are not digests are left out.
    fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError>;
}

/// An OCI image layout opened through its source: `oci-layout` checked, `index.json` read.
pub(crate) struct Layout<'s> {
    source: &'s mut dyn BlobSource,
    /// The `manifests` of `index.json`.
    pub(crate) index: Vec<Descriptor>,
}

fn invalid(reason: &'static str) -> Error {
    Error::ImageEvidenceInvalid { reason }
}

/// A source failure for a file the caller pointed us at (`oci-layout`, `index.json`): the
/// caller's input, so nothing is decided about the image.
fn caller_file(e: SourceError, missing: &'static str) -> Error {
    match e {
        SourceError::NotFound => Error::InvalidInput { reason: missing },
        SourceError::TooLarge => Error::LimitExceeded {
            document: Document::Image,
            what: "index.json size",
            limit: limits::MAX_MANIFEST_BYTES,
        },
        SourceError::Unreadable => unreadable(),
    }
}

fn unreadable() -> Error {
    Error::InvalidInput {
        reason: "the image layout could not be read",
    }
}

impl<'s> Layout<'s> {
    /// Checks `oci-layout` and reads `index.json`.
    pub(crate) fn open(source: &'s mut dyn BlobSource) -> Result<Self, Error> {
        let marker = source
            .read(LayoutFile::OciLayout, 1024)
            .map_err(|e| caller_file(e, "not an OCI image layout (no oci-layout file)"))?;
        manifest::check_layout_marker(&marker)?;
        let index_json = source
            .read(LayoutFile::Index, limits::MAX_MANIFEST_BYTES)
            .map_err(|e| caller_file(e, "not an OCI image layout (no index.json)"))?;
        let index = Manifest::parse(&index_json)?;
        if !index.is_index() {
            return Err(invalid("index.json is not an image index"));
        }
        Ok(Self {
            source,
            index: index.manifests,
        })
    }

    /// The blob `descriptor` names, at most `limit` bytes, checked against the descriptor's
    /// size and digest.
    pub(crate) fn blob(&mut self, descriptor: &Descriptor, limit: usize) -> Result<Vec<u8>, Error> {
        let too_large = Error::LimitExceeded {
            document: Document::Image,
            what: "blob size",
            limit,
        };
        if descriptor.size > limit as u64 {
            return Err(too_large);
        }
        let bytes = self
            .source
            .read(LayoutFile::Blob(&descriptor.digest), limit)
            .map_err(|e| match e {
                SourceError::NotFound => invalid("a blob the layout names is missing"),
                SourceError::TooLarge => too_large,
                SourceError::Unreadable => unreadable(),
            })?;
        if bytes.len() as u64 != descriptor.size {
            return Err(invalid("a blob's size differs from its descriptor"));
        }
        check_digest(&bytes, &descriptor.digest)?;
        Ok(bytes)
    }

    /// The manifest (or image index) `descriptor` names; its media type must be the
    /// descriptor's.
    pub(crate) fn manifest(&mut self, descriptor: &Descriptor) -> Result<Manifest, Error> {
        let bytes = self.blob(descriptor, limits::MAX_MANIFEST_BYTES)?;
        let manifest = Manifest::parse(&bytes)?;
        if let Some(own) = &manifest.media_type {
            if *own != descriptor.media_type {
                return Err(invalid(
                    "a manifest's media type differs from its descriptor",
                ));
            }
        }
        Ok(manifest)
    }

    /// Every manifest in the layout whose `subject` is `subject` (OCI 1.1 referrers), found by
    /// reading each small blob (at most [`limits::MAX_REFERRER_MANIFEST_BYTES`]); blobs that
    /// are not manifests are passed over. At most [`limits::MAX_IMAGE_EVIDENCE`] are returned.
    pub(crate) fn referrers(&mut self, subject: &Digest) -> Result<Vec<Manifest>, Error> {
        let blobs = self
            .source
            .list_blobs(limits::MAX_LAYOUT_BLOBS)
            .map_err(|e| match e {
                SourceError::TooLarge => Error::LimitExceeded {
                    document: Document::Image,
                    what: "blobs in the image layout",
                    limit: limits::MAX_LAYOUT_BLOBS,
                },
                _ => unreadable(),
            })?;
        let mut found = Vec::new();
        for (digest, size) in blobs {
            if size > limits::MAX_REFERRER_MANIFEST_BYTES as u64 || size == 0 {
                continue;
            }
            let probe = Descriptor::probe(digest, size);
            let bytes = self.blob(&probe, limits::MAX_REFERRER_MANIFEST_BYTES)?;
            // Image layers, configs and other blobs are not manifests: passed over.
            let Ok(manifest) = Manifest::parse(&bytes) else {
                continue;
            };
            if manifest.subject.as_ref().map(|s| &s.digest) != Some(subject) {
                continue;
            }
            if manifest.media_type.as_deref() != Some(OCI_MANIFEST) {
                return Err(invalid(
                    "a referrer of the image is not an OCI image manifest",
                ));
            }
            if found.len() == limits::MAX_IMAGE_EVIDENCE {
                return Err(Error::LimitExceeded {
                    document: Document::Image,
                    what: "referrers of the image",
                    limit: limits::MAX_IMAGE_EVIDENCE,
                });
            }
            found.push(manifest);
        }
        Ok(found)
    }
}

/// `bytes` must hash to `digest`.
pub(crate) fn check_digest(bytes: &[u8], digest: &Digest) -> Result<(), Error> {
    let actual = digest.algorithm().digest(bytes);
    if crypto::bytes_equal(actual.as_bytes(), digest.as_bytes()) {
        Ok(())
    } else {
        Err(invalid("a blob does not match its digest"))
    }
}

/// Parses an OCI digest, `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>` (the
/// registered algorithms of image-spec `descriptor.md`).
pub fn parse_digest(text: &str) -> Option<Digest> {
    let (algorithm, hex) = text.split_once(':')?;
    let algorithm = match algorithm {
        "sha256" => HashAlgorithm::Sha256,
        "sha512" => HashAlgorithm::Sha512,
        _ => return None,
    };
    if hex.len() != algorithm.output_len() * 2
        || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    Digest::new(algorithm, &crate::encoding::hex_decode(hex)?)
}

/// The OCI text form of a digest: `sha256:<hex>`.
pub fn digest_string(digest: &Digest) -> String {
    let mut s = String::from(digest.algorithm().rekor_name());
    s.push(':');
    s.push_str(&hex_encode(digest.as_bytes()));
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::vec;

    /// A layout in memory.
    #[derive(Default)]
    pub(crate) struct Memory {
        pub(crate) files: BTreeMap<String, Vec<u8>>,
    }

    impl BlobSource for Memory {
        fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
            let bytes = self.files.get(&file.path()).ok_or(SourceError::NotFound)?;
            if bytes.len() > limit {
                return Err(SourceError::TooLarge);
            }
            Ok(bytes.clone())
        }

        fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
            let blobs: Vec<_> = self
                .files
                .iter()
                .filter_map(|(path, bytes)| {
                    let hex = path.strip_prefix("blobs/sha256/")?;
                    let mut text = String::from("sha256:");
                    text.push_str(hex);
                    Some((parse_digest(&text)?, bytes.len() as u64))
                })
                .collect();
            if blobs.len() > limit {
                return Err(SourceError::TooLarge);
            }
            Ok(blobs)
        }
    }

    pub(crate) fn blob_path(bytes: &[u8]) -> String {
        LayoutFile::Blob(&HashAlgorithm::Sha256.digest(bytes)).path()
    }

    fn layout_with(index: &str, blobs: &[&[u8]]) -> Memory {
        let mut m = Memory::default();
        m.files.insert(
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        );
        m.files
            .insert("index.json".into(), index.as_bytes().to_vec());
        for b in blobs {
            m.files.insert(blob_path(b), b.to_vec());
        }
        m
    }

    fn descriptor_json(media_type: &str, bytes: &[u8]) -> String {
        alloc::format!(
            r#"{{"mediaType":"{media_type}","digest":"{}","size":{}}}"#,
            digest_string(&HashAlgorithm::Sha256.digest(bytes)),
            bytes.len()
        )
    }

    #[test]
    fn digests_are_lowercase_hex_of_the_right_length() {
        let hex = "e0a0a765d690a5104331cfbac88ebbbf01736c1f87aaa3cd455c516a5ea586a5";
        let d = parse_digest(&alloc::format!("sha256:{hex}")).unwrap();
        assert_eq!(digest_string(&d), alloc::format!("sha256:{hex}"));
        assert_eq!(
            LayoutFile::Blob(&d).path(),
            alloc::format!("blobs/sha256/{hex}")
        );
        for bad in [
            alloc::format!("sha256:{}", hex.to_uppercase()),
            alloc::format!("sha256:{}", &hex[1..]),
            alloc::format!("sha384:{hex}"),
            alloc::format!("sha256-{hex}"),
            alloc::format!("sha256:{}+", &hex[1..]),
            String::from("sha256:../../etc/passwd"),
        ] {
            assert_eq!(parse_digest(&bad), None, "{bad}");
        }
    }

    #[test]
    fn every_blob_is_checked_against_its_descriptor() {
        let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#;
        let index = alloc::format!(
            r#"{{"schemaVersion":2,"manifests":[{}]}}"#,
            descriptor_json(OCI_MANIFEST, manifest)
        );
        let mut source = layout_with(&index, &[manifest]);
        let mut layout = Layout::open(&mut source).unwrap();
        let d = layout.index[0].clone();
        assert!(layout.manifest(&d).unwrap().config.is_some());

        // Same name, other content: refused by digest.
        let mut tampered = manifest.to_vec();
        tampered[20] ^= 1;
        let mut source = layout_with(&index, &[]);
        source.files.insert(blob_path(manifest), tampered);
        let mut layout = Layout::open(&mut source).unwrap();
        assert_eq!(
            layout.manifest(&d).err(),
            Some(invalid("a blob does not match its digest"))
        );
        // A longer blob under the name: refused by size before hashing.
        let mut source = layout_with(&index, &[]);
        let mut longer = manifest.to_vec();
        longer.push(b' ');
        source.files.insert(blob_path(manifest), longer);
        let mut layout = Layout::open(&mut source).unwrap();
        assert_eq!(
            layout.manifest(&d).err(),
            Some(invalid("a blob's size differs from its descriptor"))
        );
        // Missing.
        let mut source = layout_with(&index, &[]);
        let mut layout = Layout::open(&mut source).unwrap();
        assert_eq!(
            layout.manifest(&d).err(),
            Some(invalid("a blob the layout names is missing"))
        );
        // A descriptor claiming a huge size is refused before anything is read.
        let mut huge = d.clone();
        huge.size = u64::MAX;
        assert!(matches!(
            layout.manifest(&huge),
            Err(Error::LimitExceeded { .. })
        ));
    }

    #[test]
    fn a_directory_that_is_not_a_layout_decides_nothing() {
        let mut empty = Memory::default();
        let err = Layout::open(&mut empty).err().unwrap();
        assert_eq!(err.class(), crate::ErrorClass::Undecided);
        let mut wrong_version = layout_with(r#"{"schemaVersion":2,"manifests":[]}"#, &[]);
        wrong_version.files.insert(
            "oci-layout".into(),
            br#"{"imageLayoutVersion":"2.0.0"}"#.to_vec(),
        );
        assert!(Layout::open(&mut wrong_version).is_err());
        let mut not_index = layout_with(
            &alloc::format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","layers":[]}}"#),
            &[],
        );
        assert!(Layout::open(&mut not_index).is_err());
    }

    #[test]
    fn referrers_are_found_by_subject_among_unlisted_blobs() {
        let image = b"an image manifest";
        let image_digest = HashAlgorithm::Sha256.digest(image);
        let referrer = alloc::format!(
            r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","artifactType":"x","config":{},"layers":[],"subject":{}}}"#,
            descriptor_json("application/vnd.oci.empty.v1+json", b"{}"),
            descriptor_json(OCI_MANIFEST, image),
        );
        let other = referrer.replace(
            &digest_string(&image_digest),
            &digest_string(&HashAlgorithm::Sha256.digest(b"x")),
        );
        let big_layer = vec![0x1f; limits::MAX_REFERRER_MANIFEST_BYTES + 1];
        let mut source = layout_with(
            r#"{"schemaVersion":2,"manifests":[]}"#,
            &[
                image,
                referrer.as_bytes(),
                other.as_bytes(),
                b"\x1f\x8b gzip",
                &big_layer,
            ],
        );
        let mut layout = Layout::open(&mut source).unwrap();
        let found = layout.referrers(&image_digest).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].artifact_type.as_deref(), Some("x"));
        // A corrupted small blob is found out even while searching.
        source
            .files
            .insert(blob_path(b"\x1f\x8b gzip"), b"\x1f\x8b gziq".to_vec());
        let mut layout = Layout::open(&mut source).unwrap();
        assert_eq!(
            layout.referrers(&image_digest).err(),
            Some(invalid("a blob does not match its digest"))
        );
    }
}
