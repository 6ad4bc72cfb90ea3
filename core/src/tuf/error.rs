//! Why a TUF update was refused. Carried by [`crate::Error::Tuf`].

use alloc::string::String;
use core::fmt;

use crate::error::ErrorClass;
use crate::time::UnixTime;

/// A top-level TUF role, naming the metadata an error is about.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TufRole {
    /// `root.json`: the keys of every top-level role.
    Root,
    /// `timestamp.json`: the current snapshot version, signed often by an online key.
    Timestamp,
    /// `snapshot.json`: the current version of every targets metadata file.
    Snapshot,
    /// `targets.json`: the target files' lengths and hashes.
    Targets,
}

impl TufRole {
    /// The role's name as TUF writes it (`root`, `timestamp`, `snapshot`, `targets`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Root => "root",
            Self::Timestamp => "timestamp",
            Self::Snapshot => "snapshot",
            Self::Targets => "targets",
        }
    }
}

impl fmt::Display for TufRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a TUF update (or a persisted TUF state) was refused. Nothing here is a warning: the
/// device keeps the trust it had.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TufError {
    /// A file the update needs is not in the update directory.
    MissingFile {
        /// The file's name (its plain name when a versioned name was tried first).
        name: String,
    },
    /// The caller's [`crate::UpdateSource`] could not read a file (it keeps the cause).
    ReadFailed {
        /// The file's name.
        name: String,
    },
    /// An input exceeds a limit from [`crate::limits`].
    LimitExceeded {
        /// What was too big or too many.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A metadata file is not JSON (or has floats, repeated keys or trailing data).
    MalformedJson {
        /// The role of the file.
        role: TufRole,
        /// Line of the error (1-based; 0 when unknown).
        line: usize,
        /// Column of the error (1-based; 0 when unknown).
        column: usize,
    },
    /// A metadata file is JSON but not valid TUF metadata of its role.
    InvalidMetadata {
        /// The role of the file.
        role: TufRole,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A new root version is not signed by a threshold of the trusted root's root keys.
    RootNotSignedByTrustedRoot {
        /// The new root's version.
        version: u64,
        /// Distinct trusted root keys whose signatures verified.
        valid: usize,
        /// The trusted root's threshold.
        threshold: u64,
    },
    /// Metadata is not signed by a threshold of its role's keys (for a new root: its own
    /// root keys).
    ThresholdNotMet {
        /// The role.
        role: TufRole,
        /// Distinct keys whose signatures verified (a key counts once, however often it signed
        /// or under however many key IDs it is listed).
        valid: usize,
        /// The role's threshold.
        threshold: u64,
    },
    /// A root file does not have the next version: root versions must increase by exactly one.
    RootVersionSkipped {
        /// The version that had to come next.
        expected: u64,
        /// The version the file has.
        found: u64,
    },
    /// A version went back below what the device has already trusted.
    Rollback {
        /// The role whose version went back.
        role: TufRole,
        /// The version the device trusts (its persisted floor).
        trusted: u64,
        /// The version offered.
        found: u64,
    },
    /// Metadata is not the version the metadata above it names (timestamp → snapshot,
    /// snapshot → targets): files mixed from different repository states.
    VersionMismatch {
        /// The role of the file.
        role: TufRole,
        /// The version named for it.
        expected: u64,
        /// The version it has.
        found: u64,
    },
    /// Metadata does not have the length the metadata above it gives for it.
    MetadataLengthMismatch {
        /// The role of the file.
        role: TufRole,
        /// The signed length.
        expected: u64,
        /// The file's length.
        found: u64,
    },
    /// Metadata does not have a hash the metadata above it gives for it.
    MetadataHashMismatch {
        /// The role of the file.
        role: TufRole,
        /// The hash algorithm that disagreed (or is not supported).
        algorithm: String,
    },
    /// Metadata expired at or before the time it was checked against.
    Expired {
        /// The role.
        role: TufRole,
        /// Its `expires`.
        expires: UnixTime,
        /// The time checked against (from the [`crate::TimePolicy`]).
        at: UnixTime,
    },
    /// [`crate::TimePolicy::TrustedNow`] gave a time earlier than one this device has
    /// already verified: the clock (or the operator's time) is behind.
    TimeBeforeVerifiedTime {
        /// The time given.
        given: UnixTime,
        /// The newest verified time in the state.
        newest_verified: UnixTime,
    },
    /// [`crate::TimePolicy::NewestVerifiedTime`] was asked for, but the state records no
    /// verified time.
    NoVerifiedTime,
    /// The target is not listed in the top-level targets metadata.
    TargetNotFound {
        /// The target's name.
        name: String,
    },
    /// The target file does not have the length targets metadata gives for it.
    TargetLengthMismatch {
        /// The target's name.
        name: String,
        /// The signed length.
        expected: u64,
        /// The file's length (at most one byte past `expected`: longer files are not read
        /// further).
        found: u64,
    },
    /// The target file does not have a hash targets metadata gives for it.
    TargetHashMismatch {
        /// The target's name.
        name: String,
        /// The hash algorithm that disagreed (or is not supported).
        algorithm: String,
    },
    /// A persisted [`crate::TufState`] (or a trusted root offered as a start) is unusable.
    InvalidState {
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl TufError {
    /// Whether the update material said no ([`ErrorClass::Denied`]: bad signatures, versions,
    /// expiry, lengths, hashes, malformed or oversized metadata) or nothing was decided
    /// ([`ErrorClass::Undecided`]: an incomplete or unreadable update directory, an unusable
    /// device state, or a time the caller gave that the state refuses). Either way the device
    /// keeps the trust it had.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::MissingFile { .. }
            | Self::ReadFailed { .. }
            | Self::InvalidState { .. }
            | Self::TimeBeforeVerifiedTime { .. }
            | Self::NoVerifiedTime => ErrorClass::Undecided,
            Self::LimitExceeded { .. }
            | Self::MalformedJson { .. }
            | Self::InvalidMetadata { .. }
            | Self::RootNotSignedByTrustedRoot { .. }
            | Self::ThresholdNotMet { .. }
            | Self::RootVersionSkipped { .. }
            | Self::Rollback { .. }
            | Self::VersionMismatch { .. }
            | Self::MetadataLengthMismatch { .. }
            | Self::MetadataHashMismatch { .. }
            | Self::Expired { .. }
            | Self::TargetNotFound { .. }
            | Self::TargetLengthMismatch { .. }
            | Self::TargetHashMismatch { .. } => ErrorClass::Denied,
        }
    }
}

impl fmt::Display for TufError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingFile { name } => write!(f, "{name} is missing from the update"),
            Self::ReadFailed { name } => write!(f, "{name} could not be read"),
            Self::LimitExceeded { what, limit } => write!(f, "{what} exceeds the limit of {limit}"),
            Self::MalformedJson { role, line, column } => {
                write!(
                    f,
                    "malformed {role} metadata JSON at line {line} column {column}"
                )
            }
            Self::InvalidMetadata { role, reason } => {
                write!(f, "invalid {role} metadata: {reason}")
            }
            Self::RootNotSignedByTrustedRoot {
                version,
                valid,
                threshold,
            } => write!(
                f,
                "root version {version} is signed by {valid} of the trusted root's keys, \
                 {threshold} required"
            ),
            Self::ThresholdNotMet {
                role,
                valid,
                threshold,
            } => write!(
                f,
                "{role} metadata is signed by {valid} of its keys, {threshold} required"
            ),
            Self::RootVersionSkipped { expected, found } => write!(
                f,
                "root version {found} offered where version {expected} must come next"
            ),
            Self::Rollback {
                role,
                trusted,
                found,
            } => write!(
                f,
                "{role} version {found} is older than the trusted version {trusted} (rollback)"
            ),
            Self::VersionMismatch {
                role,
                expected,
                found,
            } => write!(
                f,
                "{role} metadata is version {found}, version {expected} is named for it"
            ),
            Self::MetadataLengthMismatch {
                role,
                expected,
                found,
            } => write!(
                f,
                "{role} metadata is {found} bytes, {expected} are signed for it"
            ),
            Self::MetadataHashMismatch { role, algorithm } => {
                write!(
                    f,
                    "{role} metadata does not match its signed {algorithm} hash"
                )
            }
            Self::Expired { role, expires, at } => write!(
                f,
                "{role} metadata expired at {expires} (unix), checked at {at}"
            ),
            Self::TimeBeforeVerifiedTime {
                given,
                newest_verified,
            } => write!(
                f,
                "the given time {given} (unix) is before the newest time this device has \
                 verified, {newest_verified}"
            ),
            Self::NoVerifiedTime => {
                f.write_str("no verified time is recorded to check expiry against")
            }
            Self::TargetNotFound { name } => {
                write!(f, "target {name} is not listed in the targets metadata")
            }
            Self::TargetLengthMismatch {
                name,
                expected,
                found,
            } => write!(
                f,
                "target {name} is {found} bytes, {expected} are signed for it"
            ),
            Self::TargetHashMismatch { name, algorithm } => {
                write!(
                    f,
                    "target {name} does not match its signed {algorithm} hash"
                )
            }
            Self::InvalidState { reason } => write!(f, "invalid TUF state: {reason}"),
        }
    }
}
