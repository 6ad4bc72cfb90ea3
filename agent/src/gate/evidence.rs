//! Evidence lookup: where the bundle for a program is found (the rule's `provenance`
//! templates, tried in order) and reading it within the bundle limit.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

use edgeverify_core::limits;
use serde::Deserialize as _;

use crate::config::{expand_template, Rule};
use crate::files;

/// Bundles larger than this are refused (the core limit).
pub(crate) const MAX_EVIDENCE_BYTES: usize = limits::MAX_BUNDLE_BYTES;

/// The first evidence location of `rule` that exists for `program`.
/// Evidence must be a regular file; anything else there (a FIFO, a device) is refused
/// without being opened. Returns an `O_PATH` handle (see [`read`]).
pub(super) fn find(rule: &Rule, program: &str) -> Result<(String, File, Metadata), String> {
    let mut tried = Vec::new();
    for template in &rule.evidence {
        let path = expand_template(template, program);
        match files::open_path(Path::new(&path)) {
            Ok((handle, meta)) => return Ok((path, handle, meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => tried.push(path),
            Err(e) => return Err(format!("cannot open evidence {path}: {e}")),
        }
    }
    Err(format!("no evidence found (tried {})", tried.join(", ")))
}

/// The evidence found at `path` (open as `handle` with metadata `meta`), at most
/// [`MAX_EVIDENCE_BYTES`].
pub(super) fn read(handle: &File, meta: &Metadata, path: &str) -> Result<Vec<u8>, String> {
    let file =
        files::reopen(handle, meta).map_err(|e| format!("cannot open evidence {path}: {e}"))?;
    match files::read_at_most_sized(&file, MAX_EVIDENCE_BYTES, meta.len()) {
        Ok(Some(data)) => Ok(data),
        Ok(None) => Err(format!(
            "evidence {path} is larger than {MAX_EVIDENCE_BYTES} bytes"
        )),
        Err(e) => Err(format!("cannot read evidence {path}: {e}")),
    }
}

/// Why a legacy provenance file cannot be used: said the same way by `verify-bundle`,
/// `verify-artifact`, `exec` and `serve`.
pub(crate) const LEGACY_MESSAGE: &str = "the provenance is a legacy DSSE envelope \
(slsa-github-generator before v2.1.0, e.g. KubeEdge <= v1.20) with no transparency-log proof \
inside, so it cannot be verified offline (slsa-verifier fetches that proof from Rekor over the \
network). Verification needs a Sigstore bundle carrying the Rekor entry (the *.intoto.jsonl \
produced by generator >= v2.1.0, or a .sigstore.json bundle for this artifact)";

/// Why a file that [`edgeverify_core::Bundle::from_json`] refused is not a Sigstore bundle at
/// all, when it is one of the usual mistakes: a legacy envelope ([`LEGACY_MESSAGE`]), not JSON
/// (typically the artifact given as the bundle), or JSON without a bundle `mediaType` (`{}`,
/// an in-toto statement, a trust root). `None`: a bundle with something wrong inside, for the
/// core's own error to describe. Call it only after the core refused the file (it parses it
/// again).
pub(crate) fn not_a_bundle(json: &[u8]) -> Option<&'static str> {
    if is_legacy_envelope(json) {
        return Some(LEGACY_MESSAGE);
    }
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Some(
            "not a Sigstore bundle: not a JSON object (an artifact given in place of the \
             bundle? The bundle is the .sigstore.json or .intoto.jsonl file)",
        );
    }
    match TopLevelMembers::of(json) {
        Some(members) if !members.media_type => Some(
            "not a Sigstore bundle: a JSON object without \"mediaType\" (a bundle has \
             \"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\" or an earlier \
             version)",
        ),
        _ => None,
    }
}

/// A bare DSSE envelope: a JSON object with `payloadType` and `signatures` but no bundle
/// `mediaType`. Detected so that such files fail with an explanation, never "verified" on the
/// strength of a signature alone.
pub(crate) fn is_legacy_envelope(json: &[u8]) -> bool {
    // The legacy `.intoto.jsonl` holds one envelope per line; the first decides.
    let first_line = json.split(|b| *b == b'\n').next().unwrap_or(json);
    TopLevelMembers::of(first_line).is_some_and(|m| !m.media_type && m.payload_type && m.signatures)
}

/// Which of the members that tell a bundle from its look-alikes a JSON object has. Read without
/// building a tree (every value is skipped), so a hostile file of up to
/// [`MAX_EVIDENCE_BYTES`] costs no memory beyond the parser's; a member counts even when `null`.
#[derive(serde::Deserialize)]
struct TopLevelMembers {
    #[serde(rename = "mediaType", default, deserialize_with = "present")]
    media_type: bool,
    #[serde(rename = "payloadType", default, deserialize_with = "present")]
    payload_type: bool,
    #[serde(default, deserialize_with = "present")]
    signatures: bool,
}

impl TopLevelMembers {
    /// `None` unless `json` is one JSON object (serde would also read an array as a struct).
    fn of(json: &[u8]) -> Option<Self> {
        if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        serde_json::from_slice(json).ok()
    }
}

fn present<'de, D: serde::Deserializer<'de>>(value: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(value).map(|_| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_told_apart_by_their_top_level_members() {
        let envelope = br#"{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[{"sig":""}]}"#;
        assert!(is_legacy_envelope(envelope));
        let mut jsonl = envelope.to_vec();
        jsonl.extend_from_slice(b"\nnot json\n");
        assert!(is_legacy_envelope(&jsonl));
        assert_eq!(not_a_bundle(&jsonl), Some(LEGACY_MESSAGE));
        // A member counts even when null; nested members do not count.
        assert!(!is_legacy_envelope(
            br#"{"mediaType":null,"payloadType":"x","signatures":[]}"#
        ));
        assert!(!is_legacy_envelope(
            br#"{"dsseEnvelope":{"payloadType":"x","signatures":[]}}"#
        ));
        // serde reads an array as a struct by position; only objects qualify.
        assert!(!is_legacy_envelope(br#"[1, 2, 3]"#));
        let without = not_a_bundle(br#"{"_type":"https://in-toto.io/Statement/v1"}"#);
        assert!(without.is_some_and(|m| m.contains("without \"mediaType\"")));
        assert_eq!(not_a_bundle(br#"{"mediaType":null}"#), None);
        assert!(not_a_bundle(b"\x7fELF").is_some_and(|m| m.contains("not a JSON object")));
        // Skipped values are walked without recursion (serde_json's `ignore_value`), so nesting
        // past its recursion limit is still read; a broken object has nothing to say.
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(not_a_bundle(deep.as_bytes()).is_some_and(|m| m.contains("without")));
        assert_eq!(not_a_bundle(b"{\"mediaType\""), None);
    }
}
