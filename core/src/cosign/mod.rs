//! cosign's evidence for a container image, found in an OCI image layout and read into the
//! bundles the verification pipeline checks.
//!
//! - **Legacy scheme** (cosign ≤ v2, `cosign save`): the `sha256-<digest>.sig` manifest, whose
//!   layers are simple-signing payloads signed with a detached signature, and the `.att`
//!   manifest, whose layers are DSSE envelopes. `cosign save` marks them in `index.json` with
//!   the annotation `kind` = `dev.cosignproject.cosign/sigs` / `…/atts`; other tools keep the
//!   tag as `org.opencontainers.image.ref.name`. Each layer becomes a v0.1-like bundle
//!   ([`legacy`]).
//! - **cosign v3**: OCI 1.1 referrers — manifests whose `subject` is the image and whose
//!   artifact type is the Sigstore bundle media type — holding a bundle as their one layer.
//!   In a layout they have no `index.json` entry and are found by their subject.
//!
//! Nothing here is trusted: a layer is only located and parsed. Which image a piece of evidence
//! is about is decided after its signature verified (the simple-signing digest, the in-toto
//! subject).

use alloc::string::String;
use alloc::vec::Vec;

use crate::bundle::{Bundle, Content};
use crate::crypto::Digest;
use crate::encoding::hex_encode;
use crate::error::{Document, Error, Stage};
use crate::json::{self, Value};
use crate::limits;
use crate::oci::{Descriptor, Layout, Manifest, OCI_MANIFEST};

pub(crate) mod entry;
mod legacy;
mod simple_signing;

pub(crate) use simple_signing::SimpleSigning;

/// The artifact type (and layer media type) of a cosign v3 bundle referrer.
pub(crate) const BUNDLE_V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The other spelling of the v0.3 bundle media type.
const BUNDLE_V03_ALIAS: &str = "application/vnd.dev.sigstore.bundle+json;version=0.3";
/// The predicate type of a cosign v3 image signature (a DSSE in-toto statement about the
/// image).
pub(crate) const COSIGN_SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";

const KIND: &str = "kind";
const KIND_SIGNATURES: &str = "dev.cosignproject.cosign/sigs";
const KIND_ATTESTATIONS: &str = "dev.cosignproject.cosign/atts";
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Where a piece of evidence for an image was found.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    /// A layer of the legacy `sha256-<digest>.sig` manifest: a simple-signing payload and its
    /// detached signature (`cosign sign` before v3).
    LegacySignature,
    /// A layer of the legacy `sha256-<digest>.att` manifest: a DSSE envelope (`cosign attest`
    /// before v3, slsa-github-generator's container generator).
    LegacyAttestation,
    /// An OCI 1.1 referrer of the image holding a Sigstore bundle (cosign v3).
    Referrer,
}

impl EvidenceKind {
    /// A short name for messages and JSON: `legacy-signature`, `legacy-attestation`,
    /// `referrer`.
    pub fn name(self) -> &'static str {
        match self {
            Self::LegacySignature => "legacy-signature",
            Self::LegacyAttestation => "legacy-attestation",
            Self::Referrer => "referrer",
        }
    }
}

/// Which evidence of an image to verify: cosign's `verify` or `verify-attestation`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageEvidence<'a> {
    /// Image signatures: `.sig` layers, and v3 bundles that are message signatures or DSSE
    /// statements of predicate type `https://sigstore.dev/cosign/sign/v1`.
    Signatures,
    /// Attestations (DSSE in-toto statements): `.att` layers and other v3 DSSE bundles; with a
    /// predicate type, only statements of that type are considered.
    Attestations {
        /// The predicate type required, if any.
        predicate_type: Option<&'a str>,
    },
}

impl<'a> ImageEvidence<'a> {
    /// cosign's `--type`: `None` is signatures (`cosign verify`); `any` is every attestation;
    /// cosign's predicate type names (`slsaprovenance`, `slsaprovenance02`, `slsaprovenance1`,
    /// `spdx`, `spdxjson`, `cyclonedx`, `link`, `vuln`, `openvex`, `custom`) and URIs (anything
    /// with `://`) are attestations of that type. `None` for any other name.
    pub fn from_type(name: Option<&'a str>) -> Option<Self> {
        let Some(name) = name else {
            return Some(Self::Signatures);
        };
        let predicate_type = match name {
            "any" => None,
            "custom" => Some("https://cosign.sigstore.dev/attestation/v1"),
            "slsaprovenance" | "slsaprovenance02" => Some("https://slsa.dev/provenance/v0.2"),
            "slsaprovenance1" => Some("https://slsa.dev/provenance/v1"),
            "spdx" | "spdxjson" => Some("https://spdx.dev/Document"),
            "cyclonedx" => Some("https://cyclonedx.org/bom"),
            "link" => Some("https://in-toto.io/Link/v1"),
            "vuln" => Some("https://cosign.sigstore.dev/attestation/vuln/v1"),
            "openvex" => Some("https://openvex.dev/ns"),
            uri if uri.contains("://") => Some(uri),
            _ => return None,
        };
        Some(Self::Attestations { predicate_type })
    }
}

/// A piece of evidence located in the layout, not read yet.
pub(crate) struct Located {
    pub(crate) kind: EvidenceKind,
    pub(crate) layer: Descriptor,
}

/// A piece of evidence read from the layout, not verified yet.
pub(crate) struct Evidence {
    pub(crate) kind: EvidenceKind,
    pub(crate) bundle: Bundle,
    /// For a `.sig` layer: the signed simple-signing payload and what it claims.
    pub(crate) simple_signing: Option<(Vec<u8>, SimpleSigning)>,
}

fn invalid(reason: &'static str) -> Error {
    Error::ImageEvidenceInvalid { reason }
}

/// The layers that may hold evidence of `image` of the `wanted` sort: legacy signature or
/// attestation layers named by `index.json`, then cosign v3 referrers. A signature manifest
/// that cannot be read is one failed piece of evidence (others may still verify); a layout
/// that cannot be searched fails as a whole. Errors are [`Stage::Image`]'s.
pub(crate) fn locate(
    layout: &mut Layout<'_>,
    image: &Digest,
    wanted: ImageEvidence<'_>,
) -> Result<Vec<Result<Located, Error>>, Error> {
    let mut found: Vec<Result<Located, Error>> = Vec::new();
    let push = |found: &mut Vec<Result<Located, Error>>, item| {
        if found.len() == limits::MAX_IMAGE_EVIDENCE {
            return Err(Error::LimitExceeded {
                document: Document::Image,
                what: "signatures and attestations of the image",
                limit: limits::MAX_IMAGE_EVIDENCE,
            }
            .at(Stage::Image));
        }
        found.push(item);
        Ok(())
    };
    let entries = core::mem::take(&mut layout.index);
    for entry in &entries {
        let Some(kind) = legacy_kind(entry, image) else {
            continue;
        };
        if !legacy_kind_wanted(kind, wanted) {
            continue;
        }
        match layout.manifest(entry) {
            Ok(manifest) => {
                for layer in manifest.layers {
                    push(&mut found, Ok(Located { kind, layer }))?;
                }
            }
            Err(e) => push(&mut found, Err(e.at(Stage::Image)))?,
        }
    }
    let referrers = layout.referrers(image).map_err(|e| e.at(Stage::Image))?;
    for manifest in referrers {
        if let Some(layer) = bundle_layer(&manifest)
            .map_err(|e| e.at(Stage::Image))
            .transpose()
        {
            push(
                &mut found,
                layer.map(|layer| Located {
                    kind: EvidenceKind::Referrer,
                    layer,
                }),
            )?;
        }
    }
    Ok(found)
}

/// Reads a located layer into its bundle. `None`: evidence of another sort than `wanted` (a
/// v3 attestation when signatures are wanted, another predicate type). Errors are
/// [`Stage::Image`]'s, or the bundle's own stage.
pub(crate) fn read(
    layout: &mut Layout<'_>,
    located: &Located,
    wanted: ImageEvidence<'_>,
) -> Result<Option<Evidence>, Error> {
    let at_image = |e: Error| e.at(Stage::Image);
    let bytes = layout
        .blob(&located.layer, limits::MAX_EVIDENCE_LAYER_BYTES)
        .map_err(at_image)?;
    let (bundle, simple_signing) = match located.kind {
        EvidenceKind::LegacySignature => {
            let claim = SimpleSigning::parse(&bytes).map_err(at_image)?;
            let bundle = legacy::signature_bundle(&located.layer).map_err(at_image)?;
            (bundle, Some((bytes, claim)))
        }
        EvidenceKind::LegacyAttestation => {
            let bundle = legacy::attestation_bundle(&located.layer, &bytes).map_err(at_image)?;
            (bundle, None)
        }
        EvidenceKind::Referrer => (Bundle::from_json(&bytes)?, None),
    };
    if !content_wanted(&bundle, located.kind, wanted) {
        return Ok(None);
    }
    Ok(Some(Evidence {
        kind: located.kind,
        bundle,
        simple_signing,
    }))
}

/// Whether an `index.json` entry is the legacy signature or attestation manifest of `image`.
fn legacy_kind(entry: &Descriptor, image: &Digest) -> Option<EvidenceKind> {
    match entry.annotation(KIND) {
        Some(KIND_SIGNATURES) => return Some(EvidenceKind::LegacySignature),
        Some(KIND_ATTESTATIONS) => return Some(EvidenceKind::LegacyAttestation),
        _ => {}
    }
    // A tag `sha256-<hex>.sig`, alone or after a repository (`registry/repo:sha256-<hex>.sig`).
    let name = entry.annotation(REF_NAME)?;
    let tag = name.rsplit(':').next().unwrap_or(name);
    let mut expected = String::from(image.algorithm().rekor_name());
    expected.push('-');
    expected.push_str(&hex_encode(image.as_bytes()));
    match tag.strip_prefix(expected.as_str())? {
        ".sig" => Some(EvidenceKind::LegacySignature),
        ".att" => Some(EvidenceKind::LegacyAttestation),
        _ => None,
    }
}

fn legacy_kind_wanted(kind: EvidenceKind, wanted: ImageEvidence<'_>) -> bool {
    matches!(
        (kind, wanted),
        (EvidenceKind::LegacySignature, ImageEvidence::Signatures)
            | (
                EvidenceKind::LegacyAttestation,
                ImageEvidence::Attestations { .. }
            )
    )
}

/// The bundle layer of a referrer, if the referrer is a cosign v3 bundle (other referrers,
/// such as SBOMs attached by other tools, are not Sigstore evidence).
fn bundle_layer(manifest: &Manifest) -> Result<Option<Descriptor>, Error> {
    let is_bundle = |t: &str| t == BUNDLE_V03 || t == BUNDLE_V03_ALIAS;
    let artifact_type = manifest
        .artifact_type
        .as_deref()
        .or(manifest.config.as_ref().map(|c| c.media_type.as_str()));
    if !artifact_type.is_some_and(is_bundle) {
        return Ok(None);
    }
    if manifest.media_type.as_deref() != Some(OCI_MANIFEST) {
        return Err(invalid("a bundle referrer is not an OCI image manifest"));
    }
    match manifest.layers.as_slice() {
        [layer] if is_bundle(&layer.media_type) => Ok(Some(layer.clone())),
        _ => Err(invalid(
            "a bundle referrer does not hold exactly one bundle layer",
        )),
    }
}

/// Whether a bundle's content is of the sort wanted. The predicate type is read from the
/// statement before its signature is checked: it only ever excludes evidence.
fn content_wanted(bundle: &Bundle, kind: EvidenceKind, wanted: ImageEvidence<'_>) -> bool {
    // The statement as a bounded tree: only its `predicateType` is read here (the pipeline
    // parses and checks the statement itself).
    let predicate_type = match &bundle.content {
        Content::Dsse(env) => json::parse_document(
            &env.payload,
            Document::Statement,
            limits::MAX_STATEMENT_BYTES,
        )
        .ok()
        .and_then(|tree| {
            tree.get("predicateType")
                .and_then(Value::as_str)
                .map(String::from)
        }),
        Content::MessageSignature { .. } => None,
    };
    match (kind, wanted) {
        (EvidenceKind::LegacySignature, ImageEvidence::Signatures) => true,
        (EvidenceKind::Referrer, ImageEvidence::Signatures) => match &bundle.content {
            Content::MessageSignature { .. } => true,
            Content::Dsse(_) => predicate_type.as_deref() == Some(COSIGN_SIGN_PREDICATE),
        },
        (
            EvidenceKind::LegacyAttestation | EvidenceKind::Referrer,
            ImageEvidence::Attestations {
                predicate_type: wanted,
            },
        ) => {
            let is_dsse = matches!(bundle.content, Content::Dsse(_));
            match wanted {
                // An unparsable statement is kept: the pipeline reports what is wrong with it.
                None => is_dsse && predicate_type.as_deref() != Some(COSIGN_SIGN_PREDICATE),
                Some(t) => is_dsse && predicate_type.as_deref() == Some(t),
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::ImageEvidence;

    fn attestations(t: Option<&str>) -> Option<ImageEvidence<'_>> {
        Some(ImageEvidence::Attestations { predicate_type: t })
    }

    #[test]
    fn cosign_type_names() {
        assert_eq!(
            ImageEvidence::from_type(None),
            Some(ImageEvidence::Signatures)
        );
        assert_eq!(ImageEvidence::from_type(Some("any")), attestations(None));
        assert_eq!(
            ImageEvidence::from_type(Some("slsaprovenance")),
            attestations(Some("https://slsa.dev/provenance/v0.2"))
        );
        assert_eq!(
            ImageEvidence::from_type(Some("slsaprovenance1")),
            attestations(Some("https://slsa.dev/provenance/v1"))
        );
        assert_eq!(
            ImageEvidence::from_type(Some("https://example.com/p/v1")),
            attestations(Some("https://example.com/p/v1"))
        );
        for unknown in ["sbom", "", "SLSAPROVENANCE"] {
            assert_eq!(ImageEvidence::from_type(Some(unknown)), None, "{unknown}");
        }
    }
}
