//! Builder IDs (`utils.ParseBuilderID`, `TrustedBuilderID.Matches*`): `name[@version]`.

use alloc::string::String;

use super::SlsaError;

/// `--builder-id`, split as `utils.ParseBuilderID` splits it; `version` is `""` when absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ExpectedBuilderId {
    pub(super) name: String,
    pub(super) version: String,
}

impl ExpectedBuilderId {
    pub(super) fn as_pair(&self) -> (&str, &str) {
        (&self.name, &self.version)
    }
}

/// `utils.ParseBuilderID`: `name` or `name@version` with exactly one `@` and a non-empty version.
pub(super) fn parse_builder_id(id: &str, need_version: bool) -> Result<(&str, &str), SlsaError> {
    let mut parts = id.split('@');
    let name = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (None, _) if !need_version => Ok((name, "")),
        (Some(version), None) if !version.is_empty() => Ok((name, version)),
        _ => Err(SlsaError::InvalidFormat(
            "builder ID is not of the form name[@version]",
        )),
    }
}

/// `TrustedBuilderID.MatchesLoose(expected, allowRef=true)`: same name, and the expected
/// version, if any, equals `actual`'s or `refs/tags/<expected>` does.
pub(super) fn matches_loose(actual: (&str, &str), expected: (&str, &str)) -> bool {
    actual.0 == expected.0 && (expected.1.is_empty() || version_matches(actual.1, expected.1))
}

/// `TrustedBuilderID.MatchesFull(expected, allowRef=true)`: as loose, but versions always count.
pub(super) fn matches_full(actual: (&str, &str), expected: (&str, &str)) -> bool {
    actual.0 == expected.0 && version_matches(actual.1, expected.1)
}

pub(super) fn version_matches(actual: &str, expected: &str) -> bool {
    actual == expected || actual.strip_prefix("refs/tags/") == Some(expected)
}
