//! Semantic versions as `golang.org/x/mod/semver` parses them, and `--source-versioned-tag`
//! matching (`utils/source_tag.go`).

use alloc::borrow::ToOwned;
use alloc::string::String;

use super::SlsaError;

/// A version as `golang.org/x/mod/semver` parses it: `vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]`,
/// no leading zeros in numbers or numeric pre-release identifiers.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Semver<'a> {
    pub(super) major: &'a str,
    /// `.0` or `.0.0` that `Canonical` appends to `v1.2` / `v1`.
    pub(super) short: &'static str,
    /// Including its leading `-`, or `""`.
    pub(super) prerelease: &'a str,
    /// Including its leading `+`, or `""`.
    pub(super) build: &'a str,
}

impl<'a> Semver<'a> {
    pub(super) fn parse(v: &'a str) -> Option<Self> {
        let rest = v.strip_prefix('v')?;
        let (major, rest) = semver_number(rest)?;
        let Some(rest) = rest.strip_prefix('.') else {
            return rest.is_empty().then_some(Self::short(major, ".0.0"));
        };
        let (_minor, rest) = semver_number(rest)?;
        let Some(rest) = rest.strip_prefix('.') else {
            return rest.is_empty().then_some(Self::short(major, ".0"));
        };
        let (_patch, rest) = semver_number(rest)?;
        let (prerelease, rest) = if rest.starts_with('-') {
            let end = rest.find('+').unwrap_or(rest.len());
            let (prerelease, rest) = rest.split_at_checked(end)?;
            let valid = prerelease.get(1..)?.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(is_semver_ident_char) && !is_bad_semver_num(id)
            });
            (valid.then_some(prerelease)?, rest)
        } else {
            ("", rest)
        };
        let build = match rest.strip_prefix('+') {
            Some(identifiers) => {
                let valid = identifiers
                    .split('.')
                    .all(|id| !id.is_empty() && id.bytes().all(is_semver_ident_char));
                valid.then_some(rest)?
            }
            None if rest.is_empty() => "",
            None => return None,
        };
        Some(Self {
            major,
            short: "",
            prerelease,
            build,
        })
    }

    pub(super) fn short(major: &'a str, short: &'static str) -> Self {
        Self {
            major,
            short,
            prerelease: "",
            build: "",
        }
    }
}

pub(super) fn semver_number(s: &str) -> Option<(&str, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at_checked(digits)?;
    if number.is_empty() || (number.len() > 1 && number.starts_with('0')) {
        return None;
    }
    Some((number, rest))
}

pub(super) fn is_semver_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// A numeric pre-release identifier with a leading zero (`01`), which semver forbids.
pub(super) fn is_bad_semver_num(id: &str) -> bool {
    id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
}

/// `semver.Canonical`: `v1` → `v1.0.0`, `v1.2` → `v1.2.0`, build metadata dropped.
pub(super) fn semver_canonical(v: &str) -> Option<String> {
    let parsed = Semver::parse(v)?;
    let without_build = v.strip_suffix(parsed.build).unwrap_or(v);
    let mut out = String::from(without_build);
    out.push_str(parsed.short);
    Some(out)
}

/// `--source-versioned-tag`, pre-split the way `utils.VerifyVersionedTag` splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct VersionedTag {
    /// `semver.Major`: `v` + major.
    pub(super) major: String,
    /// Second `.`-separated field, when the user gave one.
    pub(super) minor: Option<String>,
    /// Third `.`-separated field minus the build metadata, when the user gave one.
    pub(super) patch: Option<String>,
}

impl VersionedTag {
    pub(super) fn parse(expected: &str) -> Result<Self, SlsaError> {
        let parsed = Semver::parse(expected).ok_or(SlsaError::InvalidSemver(
            "--source-versioned-tag is not a semantic version",
        ))?;
        let mut major = String::from("v");
        major.push_str(parsed.major);
        Ok(Self {
            major,
            minor: version_field(expected, 1).map(ToOwned::to_owned),
            patch: version_patch(expected).map(ToOwned::to_owned),
        })
    }

    /// Major must match; minor and patch only when the user gave them. The pre-release rides
    /// along in the patch field, exactly as slsa-verifier's string split does.
    pub(super) fn verify(&self, provenance_tag: &str) -> Result<(), SlsaError> {
        let canonical = semver_canonical(provenance_tag).ok_or(SlsaError::InvalidSemver(
            "provenance tag is not a semantic version",
        ))?;
        let major = Semver::parse(&canonical).map(|v| v.major);
        if major != self.major.strip_prefix('v') {
            return Err(SlsaError::MismatchVersionedTag(
                "major version differs from --source-versioned-tag",
            ));
        }
        if let Some(minor) = &self.minor {
            if version_field(&canonical, 1) != Some(minor.as_str()) {
                return Err(SlsaError::MismatchVersionedTag(
                    "minor version differs from --source-versioned-tag",
                ));
            }
        }
        if let Some(patch) = &self.patch {
            if version_patch(&canonical) != Some(patch.as_str()) {
                return Err(SlsaError::MismatchVersionedTag(
                    "patch version differs from --source-versioned-tag",
                ));
            }
        }
        Ok(())
    }
}

/// `extractFromVersion`: the `index`-th `.`-separated field.
pub(super) fn version_field(v: &str, index: usize) -> Option<&str> {
    v.split('.').nth(index)
}

/// `patchVersion`: the third field with the build metadata suffix trimmed (if it is a suffix).
pub(super) fn version_patch(v: &str) -> Option<&str> {
    let build = Semver::parse(v).map(|p| p.build).unwrap_or_default();
    let patch = version_field(v, 2)?;
    Some(patch.strip_suffix(build).unwrap_or(patch))
}
