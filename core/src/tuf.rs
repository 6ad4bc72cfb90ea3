//! Offline trust-root updates through Sigstore's TUF repository: the client workflow of the
//! [TUF specification] §5 ("Detailed client workflow"), with files read from a directory the
//! operator carried to the device instead of from the network, and time as an input.
//!
//! The device keeps a [`TufState`]: the TUF root it trusts and the newest versions of the
//! timestamp, snapshot and targets metadata it has accepted (its rollback floors), plus the
//! newest time it has verified. [`verify_update`] takes that state, an [`UpdateSource`] that
//! reads files of the update directory by name, and a [`TimePolicy`], and returns the verified
//! `trusted_root.json` bytes and the state to persist — or a typed [`TufError`] (inside
//! [`crate::Error::Tuf`]), in which case the device keeps what it had.
//!
//! # The workflow (one function per stage)
//!
//! 1. **Root** (§5.3): version N+1 is read from `N+1.root.json` while it exists (at most
//!    [`crate::limits::MAX_TUF_ROOT_ROTATIONS`] per update). Each must be signed by a
//!    threshold of version N's root keys *and* by a threshold of its own, and be exactly
//!    version N+1. A `root.json` newer than the last version reached means versions are
//!    missing, and is refused rather than silently ignored. The newest root must not have
//!    expired (freeze attack). If the timestamp or snapshot keys changed, their rollback
//!    floors are reset (recovery from a fast-forward attack, §5.3.11).
//! 2. **Timestamp** (§5.4): `timestamp.json`, signed by the timestamp role's threshold; its
//!    version and the snapshot version it names never go below the floors; not expired.
//! 3. **Snapshot** (§5.5): `V.snapshot.json` (or `snapshot.json`), with the length and hashes
//!    the timestamp gives (when it gives them), signed by the snapshot role, exactly version V,
//!    naming a targets version not below the floor; not expired.
//! 4. **Targets** (§5.6): `V.targets.json` (or `targets.json`), checked against the snapshot
//!    the same way, signed by the targets role; not expired.
//! 5. **Target**: `targets/HASH.trusted_root.json` (or `targets/trusted_root.json`) must have
//!    exactly the length and every hash the top-level targets metadata lists for it.
//!
//! Signatures are over the OLPC canonical JSON of `signed`; a key counts once towards a
//! threshold however often it signed and under however many key IDs it is listed. Key types:
//! ECDSA P-256 and P-384 (`ecdsa`/`ecdsa-sha2-nistp256` with PEM or hex keys, as in every
//! Sigstore root v1–v15) and Ed25519; keys of other types are tolerated and never count.
//!
//! Versions equal to the floors are accepted, so applying the same update twice is harmless
//! (and a device killed after persisting the state but before installing the trusted root can
//! apply the update again). Delegated targets roles are validated but not followed: Sigstore
//! lists `trusted_root.json` in the top-level targets; a target found only through a
//! delegation is reported as not found.
//!
//! # The CLI flow (`edgeverify trust-root update --from DIR`)
//!
//! On a connected machine, the operator fetches from Sigstore's TUF repository
//! (`https://tuf-repo-cdn.sigstore.dev`, consistent-snapshot names) into one directory:
//!
//! ```text
//! update/
//!   16.root.json 17.root.json …     every root version after the device's (trust-root show
//!                                    prints it), up to the newest; may be none
//!   root.json                        optional: the newest root, lets a gap be detected
//!   timestamp.json
//!   166.snapshot.json                the version timestamp.json names (or snapshot.json)
//!   15.targets.json                  the version the snapshot names (or targets.json)
//!   targets/<sha256>.trusted_root.json   (or targets/trusted_root.json)
//! ```
//!
//! A TUF client's cache (sigstore-go, `cosign initialize`) has the plain names; intermediate
//! root versions must be fetched too. On the device, the CLI loads its persisted state (or
//! [`TufState::embedded_sigstore_production`] on first use, or
//! [`TufState::from_trusted_root`] for a private instance's root given on the command line),
//! implements [`UpdateSource`] over the directory (reading at most `max_len + 1` bytes of a
//! file, so an oversized file is refused without reading it all), picks the [`TimePolicy`]
//! (`--now`, a trusted device clock, or the newest verified time; `--danger-skip-expiry-checks`
//! for [`TimePolicy::DangerSkipExpiryChecks`]), and on success parses the target with
//! [`crate::TrustRoot::from_json`] before installing anything. It then writes the new state
//! ([`TufState::to_json`]) and then the trusted root, each to a temporary file that is
//! fsynced and renamed over the old one, with the directory fsynced after each rename.
//!
//! # Why not `tough`
//!
//! awslabs' `tough` is a full TUF client, but it needs `std` and I/O (it fetches through its
//! own transport, writes a datastore, reads the system clock for expiry) and recomputes key
//! IDs, which rejects Sigstore's real roots (awslabs/tough#946); this module is `no_std`, takes
//! files and time as inputs, and is about 62 KiB of a stripped LTO binary (README, "Footprint").
//!
//! [TUF specification]: https://theupdateframework.github.io/specification/latest/

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::crypto;
use crate::error::{Error, Stage};
use crate::limits;
use crate::time::UnixTime;

mod canonical_json;
mod error;
mod keys;
mod metadata;

use crate::json::Value;
pub use error::{TufError, TufRole};
use keys::{count_signers, threshold_met};
use metadata::{Envelope, MetaFile, Root};

/// The target name under which Sigstore publishes its `trusted_root.json`.
pub const SIGSTORE_TRUSTED_ROOT_TARGET: &str = "trusted_root.json";

/// Sigstore's public-good TUF root, version 15 (`github.com/sigstore/root-signing`,
/// `metadata/root_history/15.root.json`, expires 2026-11-20): the root under which targets v14
/// published the embedded production `trusted_root.json`
/// ([`crate::EMBEDDED_PRODUCTION_SHA256`]), as of the repository on 2026-08-21.
const EMBEDDED_TUF_ROOT_JSON: &[u8] = include_bytes!("../trust/production.tuf-root.json");

/// SHA-256 (lowercase hex) of the embedded Sigstore TUF root (version 15). Replacing the file
/// changes this value, which makes every change visible in review; loading checks the two
/// agree.
pub const EMBEDDED_TUF_ROOT_SHA256: &str =
    "73747011d0857ada15479a16c4cae0f3ed03aac698b523b97e1de314ac9d9ca8";

/// The metadata versions that published the embedded trusted root (the repository on
/// 2026-08-21: timestamp v762, snapshot v165, targets v14). A fresh device starts with these as
/// its rollback floors, so no older (validly signed) repository state can take it back.
const EMBEDDED_FLOORS: Floors = Floors {
    timestamp: 762,
    snapshot: 165,
    targets: 14,
};

/// 2026-08-21T00:00:00Z: the embedded root and trusted root were taken from the repository on
/// that day, so no device runs this code earlier. A fresh device's newest verified time.
const EMBEDDED_CAPTURE_TIME: UnixTime = UnixTime::from_secs(1_787_270_400);

const STATE_FORMAT: &str = "edgeverify-tuf-state-v1";

/// What "expired" is checked against. Edge devices often have no trustworthy clock, and the
/// timestamp role expires within days of signing, so the caller decides, and says so; nothing
/// is skipped silently. The trade-offs (freeze and rollback attacks) are in `SECURITY.md`,
/// "Trust-root updates (TUF)".
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimePolicy {
    /// Every role must be unexpired at this time, which the caller vouches is now: a device
    /// clock it trusts (synchronised, or battery-backed and checked), or an operator's
    /// `--now`. Refused ([`TufError::TimeBeforeVerifiedTime`]) if earlier than the state's
    /// newest verified time. On success the state's newest verified time becomes at least
    /// this time (it cannot be far ahead: it was before every role's expiry, the timestamp's
    /// included, which is days after its signing).
    TrustedNow(UnixTime),
    /// No trusted clock: every role must be unexpired at the newest time this device has
    /// verified ([`TufState::newest_verified_time`]), a lower bound of now. Metadata that
    /// expired before a time the device knows has passed is refused; metadata that expired
    /// since then is not detected (a freeze window as long as the device's evidence is old).
    /// Refused ([`TufError::NoVerifiedTime`]) if the state records no time.
    NewestVerifiedTime,
    /// **Danger**: no expiry checks at all (signatures, thresholds, versions, rollback
    /// floors, lengths and hashes are all still checked). A replay of any old, validly signed
    /// repository state newer than the floors is accepted, however long ago it expired: a
    /// freeze attack is not detected. For operators who move trust by hand and know the
    /// update directory is fresh; CLI spelling: `--danger-skip-expiry-checks`.
    DangerSkipExpiryChecks,
}

/// A read of the update directory failed (an I/O error, not a missing file). The
/// [`UpdateSource`] keeps the cause; the update fails with [`TufError::ReadFailed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadFailed;

/// Reads files of an update directory by name. Names are relative, `/`-separated, made only
/// of the names listed in [`verify_update`]'s documentation (versions are decimal numbers and
/// hashes lowercase hex from verified metadata), never `..` or absolute.
pub trait UpdateSource {
    /// The file's bytes, `Ok(None)` if it does not exist, or `Err` if reading failed. Read at
    /// most `max_len + 1` bytes: anything longer than `max_len` is refused anyway, and reading
    /// one byte more lets that be seen without reading a hostile file whole.
    fn read(&mut self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, ReadFailed>;
}

impl<F> UpdateSource for F
where
    F: FnMut(&str, usize) -> Result<Option<Vec<u8>>, ReadFailed>,
{
    fn read(&mut self, name: &str, max_len: usize) -> Result<Option<Vec<u8>>, ReadFailed> {
        self(name, max_len)
    }
}

/// Rollback floors: the newest versions the device has accepted (0: none yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Floors {
    timestamp: u64,
    snapshot: u64,
    targets: u64,
}

/// What a device trusts for TUF updates: the TUF root, the rollback floors, and the newest
/// time it has verified. Persist it with [`TufState::to_json`] after every successful update;
/// load it with [`TufState::from_json`].
#[derive(Clone, Debug)]
pub struct TufState {
    root: Root,
    /// The whole root document (signatures and signed), persisted with the state.
    root_document: Value,
    floors: Floors,
    newest_verified_time: Option<UnixTime>,
    /// The target the last update verified (what an installed copy must be), if any.
    target: Option<VerifiedTarget>,
}

/// The target an update verified, as a [`TufState`] records it: its name, length and SHA-256
/// (computed over the verified bytes). A device that installs the target can check the
/// installed copy against it whenever it loads it ([`VerifiedTarget::matches`]), so the copy
/// in use is exactly the one the TUF chain vouched for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTarget {
    name: String,
    length: u64,
    sha256: [u8; 32],
}

impl VerifiedTarget {
    fn of(name: &str, bytes: &[u8]) -> Self {
        Self {
            name: String::from(name),
            length: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
            sha256: crypto::sha256(bytes),
        }
    }

    /// The target's name in the targets metadata (`trusted_root.json`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its length in bytes.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The SHA-256 of its bytes.
    pub fn sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    /// Whether `bytes` are exactly the verified target (length and SHA-256).
    pub fn matches(&self, bytes: &[u8]) -> bool {
        u64::try_from(bytes.len()).is_ok_and(|l| l == self.length)
            && crypto::bytes_equal(&crypto::sha256(bytes), &self.sha256)
    }

    fn to_json(&self) -> Value {
        Value::object(vec![
            (String::from("length"), Value::Unsigned(self.length)),
            (String::from("name"), Value::String(self.name.clone())),
            (
                String::from("sha256"),
                Value::String(crate::encoding::hex_encode(&self.sha256)),
            ),
        ])
    }

    fn from_json(json: &Value) -> Option<Self> {
        let Value::Object(members) = json else {
            return None;
        };
        let (Some(Value::Unsigned(length)), Some(Value::String(name)), Some(Value::String(hex))) =
            (json.get("length"), json.get("name"), json.get("sha256"))
        else {
            return None;
        };
        let digest = crate::encoding::hex_decode(hex)?;
        let sha256 = <[u8; 32]>::try_from(digest.as_slice()).ok()?;
        // Exactly the three fields, and the digest spelled as `to_json` spells it.
        let canonical = members.len() == 3 && crate::encoding::hex_encode(&sha256) == *hex;
        (canonical && !name.is_empty()).then(|| Self {
            name: name.clone(),
            length: *length,
            sha256,
        })
    }
}

impl TufState {
    /// The state of a fresh device: Sigstore's TUF root v15 (pinned by
    /// [`EMBEDDED_TUF_ROOT_SHA256`]), the floors of the repository state that published the
    /// embedded trusted root, 2026-08-21 as the newest verified time, and the embedded
    /// trusted root ([`crate::EMBEDDED_PRODUCTION_SHA256`]) as its verified target.
    pub fn embedded_sigstore_production() -> Result<Self, Error> {
        if crate::encoding::hex_encode(&crypto::sha256(EMBEDDED_TUF_ROOT_JSON))
            != EMBEDDED_TUF_ROOT_SHA256
        {
            return Err(TufError::InvalidState {
                reason: "embedded TUF root does not match its recorded SHA-256",
            }
            .into());
        }
        let mut state = Self::from_trusted_root(EMBEDDED_TUF_ROOT_JSON)?;
        state.floors = EMBEDDED_FLOORS;
        state.newest_verified_time = Some(EMBEDDED_CAPTURE_TIME);
        state.target = Some(VerifiedTarget::of(
            SIGSTORE_TRUSTED_ROOT_TARGET,
            crate::trust_root::EMBEDDED_PRODUCTION_JSON,
        ));
        Ok(state)
    }

    /// Starts from a TUF root given by the operator (a private Sigstore instance, or a root
    /// obtained out of band): it must be signed by a threshold of its own root keys. Its
    /// expiry is not checked here (an update checks the newest root's). No floors, no
    /// verified time, no verified target.
    pub fn from_trusted_root(root_json: &[u8]) -> Result<Self, Error> {
        let envelope = metadata::parse(root_json, TufRole::Root)?;
        let root = envelope.root()?;
        check_threshold(&envelope, &root.keys, &root.root, TufRole::Root)?;
        Ok(Self {
            root,
            root_document: envelope.document,
            floors: Floors {
                timestamp: 0,
                snapshot: 0,
                targets: 0,
            },
            newest_verified_time: None,
            target: None,
        })
    }

    /// Loads a state written by [`TufState::to_json`]. The root is checked again against its
    /// own keys (a corrupted state file is refused, never half-used).
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        let invalid = |reason| Error::from(TufError::InvalidState { reason });
        let doc = canonical_json::parse(json, limits::MAX_TUF_STATE_BYTES, "TUF state size")
            .map_err(|e| match e {
                canonical_json::ParseError::Limit { what, limit } => {
                    Error::from(TufError::LimitExceeded { what, limit })
                }
                canonical_json::ParseError::Syntax { .. } => invalid("not JSON"),
            })?;
        let Value::Object(members) = &doc else {
            return Err(invalid("not a JSON object"));
        };
        const FIELDS: [&str; 7] = [
            "format",
            "newest_verified_time_ms",
            "root",
            "snapshot_version",
            "target",
            "targets_version",
            "timestamp_version",
        ];
        if members.len() != FIELDS.len() || !FIELDS.iter().all(|f| doc.get(f).is_some()) {
            return Err(invalid("fields are not exactly those of the state format"));
        }
        if doc.get("format") != Some(&Value::String(String::from(STATE_FORMAT))) {
            return Err(invalid("unknown state format"));
        }
        let version = |key| match doc.get(key) {
            Some(Value::Unsigned(v)) => Ok(*v),
            _ => Err(invalid("a version is not a non-negative integer")),
        };
        let floors = Floors {
            timestamp: version("timestamp_version")?,
            snapshot: version("snapshot_version")?,
            targets: version("targets_version")?,
        };
        let newest_verified_time = match doc.get("newest_verified_time_ms") {
            Some(Value::Null) => None,
            Some(Value::Unsigned(ms)) => Some(UnixTime::from_millis(*ms)),
            _ => return Err(invalid("newest_verified_time_ms is not an integer or null")),
        };
        let target = match doc.get("target") {
            Some(Value::Null) => None,
            Some(t) => Some(VerifiedTarget::from_json(t).ok_or_else(|| {
                invalid("target is not null or {length, name, sha256 (lowercase hex)}")
            })?),
            None => return Err(invalid("no target")),
        };
        let root_document = doc.get("root").cloned().ok_or_else(|| invalid("no root"))?;
        let (envelope, root) = metadata::from_document(root_document, TufRole::Root)
            .and_then(|envelope| envelope.root().map(|root| (envelope, root)))
            .map_err(|_| invalid("the root is not valid TUF root metadata"))?;
        check_threshold(&envelope, &root.keys, &root.root, TufRole::Root)
            .map_err(|_| invalid("the root is not signed by its own root keys"))?;
        Ok(Self {
            root,
            root_document: envelope.document,
            floors,
            newest_verified_time,
            target,
        })
    }

    /// The persisted form: one JSON object with the trusted root document, the floors, the
    /// newest verified time and the verified target (`{"format":"edgeverify-tuf-state-v1",
    /// …}`).
    pub fn to_json(&self) -> Vec<u8> {
        let time = match self.newest_verified_time {
            Some(t) => Value::Unsigned(t.as_millis()),
            None => Value::Null,
        };
        let field = |name: &str, value| (String::from(name), value);
        let state = Value::object(vec![
            field("format", Value::String(String::from(STATE_FORMAT))),
            field("newest_verified_time_ms", time),
            field("root", self.root_document.clone()),
            field("snapshot_version", Value::Unsigned(self.floors.snapshot)),
            field(
                "target",
                self.target
                    .as_ref()
                    .map_or(Value::Null, VerifiedTarget::to_json),
            ),
            field("targets_version", Value::Unsigned(self.floors.targets)),
            field("timestamp_version", Value::Unsigned(self.floors.timestamp)),
        ]);
        // Never `None`: the root document was parsed integers-only and every other member is
        // a string or an integer; an empty file would be refused by `from_json` (fail closed).
        canonical_json::to_json(&state).unwrap_or_default()
    }

    /// The trusted TUF root's version.
    pub fn root_version(&self) -> u64 {
        self.root.common.version
    }

    /// When the trusted TUF root expires (an update refuses an expired newest root, unless
    /// told to skip expiry checks).
    pub fn root_expires(&self) -> UnixTime {
        self.root.common.expires
    }

    /// The newest timestamp version accepted (0: none yet).
    pub fn timestamp_version(&self) -> u64 {
        self.floors.timestamp
    }

    /// The newest snapshot version accepted (0: none yet).
    pub fn snapshot_version(&self) -> u64 {
        self.floors.snapshot
    }

    /// The newest top-level targets version accepted (0: none yet).
    pub fn targets_version(&self) -> u64 {
        self.floors.targets
    }

    /// The newest time this device has verified, if any: what
    /// [`TimePolicy::NewestVerifiedTime`] checks expiry against.
    pub fn newest_verified_time(&self) -> Option<UnixTime> {
        self.newest_verified_time
    }

    /// The target the last update verified (its name, length and SHA-256): what an installed
    /// copy must be. `None` for a state that has taken no update yet (a root given by the
    /// operator); the embedded state's is the embedded trusted root.
    pub fn verified_target(&self) -> Option<&VerifiedTarget> {
        self.target.as_ref()
    }

    /// Records a time the caller has verified from signed evidence (for example a Rekor
    /// integrated time or an RFC 3161 timestamp of a bundle that verified). Monotonic: an
    /// earlier time changes nothing.
    pub fn record_verified_time(&mut self, time: UnixTime) {
        self.newest_verified_time = Some(self.newest_verified_time.map_or(time, |t| t.max(time)));
    }
}

/// A verified update: the target's bytes and the state to persist.
#[derive(Clone, Debug)]
pub struct UpdatedTrust {
    target: Vec<u8>,
    state: TufState,
}

impl UpdatedTrust {
    /// The verified target (`trusted_root.json`): exactly the length and hashes the targets
    /// metadata lists.
    pub fn target(&self) -> &[u8] {
        &self.target
    }

    /// The state to persist in place of the old one.
    pub fn state(&self) -> &TufState {
        &self.state
    }

    /// Both, by value.
    pub fn into_parts(self) -> (Vec<u8>, TufState) {
        (self.target, self.state)
    }
}

/// Verifies an update directory against the device's TUF state and returns Sigstore's
/// `trusted_root.json` from it ([`SIGSTORE_TRUSTED_ROOT_TARGET`]) with the new state. See the
/// [module documentation](crate::tuf) for the workflow and the directory layout.
///
/// Files read through `source`: `N.root.json` for each root version after the trusted one,
/// `root.json`, `timestamp.json`, `V.snapshot.json` or `snapshot.json`, `V.targets.json` or
/// `targets.json`, and `targets/HASH.trusted_root.json` or `targets/trusted_root.json`
/// (versioned names only when the root sets `consistent_snapshot`, as Sigstore's does).
pub fn verify_update(
    state: &TufState,
    source: &mut dyn UpdateSource,
    time: TimePolicy,
) -> Result<UpdatedTrust, Error> {
    verify_update_target(state, source, time, SIGSTORE_TRUSTED_ROOT_TARGET)
}

/// [`verify_update`] for any target listed in the top-level targets metadata.
pub fn verify_update_target(
    state: &TufState,
    source: &mut dyn UpdateSource,
    time: TimePolicy,
    target_name: &str,
) -> Result<UpdatedTrust, Error> {
    update_stages(state, source, time, target_name).map_err(|e| e.at(Stage::TrustRootUpdate))
}

/// The client workflow's stages in specification order (§5.2–§5.7).
fn update_stages(
    state: &TufState,
    source: &mut dyn UpdateSource,
    time: TimePolicy,
    target_name: &str,
) -> Result<UpdatedTrust, Error> {
    let at = expiry_time(state, time)?;
    let (root, root_document) = update_root(state, source)?;
    check_expiry(TufRole::Root, root.common.expires, at)?;
    let mut floors = state.floors;
    if root.role_changed(&state.root, TufRole::Timestamp)
        || root.role_changed(&state.root, TufRole::Snapshot)
    {
        // §5.3.11: the trusted timestamp and snapshot are dropped, so a repository that
        // recovered from a compromised online key can publish lower versions again. The
        // targets floor stays: targets are signed by the offline root-holder keys.
        floors.timestamp = 0;
        floors.snapshot = 0;
    }
    let timestamp = update_timestamp(&root, &floors, source, at)?;
    let snapshot = update_snapshot(&root, &floors, &timestamp.snapshot, source, at)?;
    let targets = update_targets(&root, &snapshot.targets, source, at)?;
    let target = fetch_target(&root, &targets, target_name, source)?;
    let newest_verified_time = match time {
        TimePolicy::TrustedNow(now) => Some(state.newest_verified_time.map_or(now, |t| t.max(now))),
        _ => state.newest_verified_time,
    };
    let verified_target = VerifiedTarget::of(target_name, &target);
    Ok(UpdatedTrust {
        target,
        state: TufState {
            root,
            root_document,
            floors: Floors {
                timestamp: timestamp.common.version,
                snapshot: snapshot.common.version,
                targets: targets.common.version,
            },
            newest_verified_time,
            target: Some(verified_target),
        },
    })
}

/// The time expiry is checked against (`None`: the caller opted out).
fn expiry_time(state: &TufState, time: TimePolicy) -> Result<Option<UnixTime>, TufError> {
    match (time, state.newest_verified_time) {
        (TimePolicy::TrustedNow(now), Some(newest)) if now < newest => {
            Err(TufError::TimeBeforeVerifiedTime {
                given: now,
                newest_verified: newest,
            })
        }
        (TimePolicy::TrustedNow(now), _) => Ok(Some(now)),
        (TimePolicy::NewestVerifiedTime, Some(newest)) => Ok(Some(newest)),
        (TimePolicy::NewestVerifiedTime, None) => Err(TufError::NoVerifiedTime),
        (TimePolicy::DangerSkipExpiryChecks, _) => Ok(None),
    }
}

/// TUF: metadata is valid while `expires` is later than the time.
fn check_expiry(role: TufRole, expires: UnixTime, at: Option<UnixTime>) -> Result<(), TufError> {
    match at {
        Some(at) if expires <= at => Err(TufError::Expired { role, expires, at }),
        _ => Ok(()),
    }
}

fn check_threshold(
    metadata: &Envelope,
    keys: &keys::KeyTable,
    role_keys: &keys::RoleKeys,
    role: TufRole,
) -> Result<(), TufError> {
    let valid = count_signers(&metadata.canonical, &metadata.signatures, keys, role_keys);
    if threshold_met(valid, role_keys) {
        Ok(())
    } else {
        Err(TufError::ThresholdNotMet {
            role,
            valid,
            threshold: role_keys.threshold,
        })
    }
}

/// §5.3: walks root versions N+1, N+2, … as long as the directory has them.
fn update_root(state: &TufState, source: &mut dyn UpdateSource) -> Result<(Root, Value), TufError> {
    let mut current = state.root.clone();
    let mut current_document = state.root_document.clone();
    let mut rotations = 0;
    loop {
        let expected = current.common.version.saturating_add(1);
        let name = format!("{expected}.root.json");
        let Some(bytes) = read(source, &name, limits::MAX_TUF_METADATA_BYTES)? else {
            break;
        };
        if rotations == limits::MAX_TUF_ROOT_ROTATIONS {
            return Err(TufError::LimitExceeded {
                what: "TUF root versions in one update",
                limit: limits::MAX_TUF_ROOT_ROTATIONS,
            });
        }
        rotations += 1;
        let envelope = metadata::parse(&bytes, TufRole::Root)?;
        let new = envelope.root()?;
        // Signed by the trusted root's root role, then by its own.
        let valid = count_signers(
            &envelope.canonical,
            &envelope.signatures,
            &current.keys,
            &current.root,
        );
        if !threshold_met(valid, &current.root) {
            return Err(TufError::RootNotSignedByTrustedRoot {
                version: new.common.version,
                valid,
                threshold: current.root.threshold,
            });
        }
        check_threshold(&envelope, &new.keys, &new.root, TufRole::Root)?;
        if new.common.version != expected {
            return Err(TufError::RootVersionSkipped {
                expected,
                found: new.common.version,
            });
        }
        current = new;
        current_document = envelope.document;
    }
    // A newest `root.json` beyond what the versioned files reached means versions are
    // missing from the directory: refuse, rather than update under an older root.
    if let Some(bytes) = read(source, "root.json", limits::MAX_TUF_METADATA_BYTES)? {
        let newest = metadata::parse(&bytes, TufRole::Root)?.root()?;
        if newest.common.version > current.common.version {
            return Err(TufError::RootVersionSkipped {
                expected: current.common.version.saturating_add(1),
                found: newest.common.version,
            });
        }
    }
    Ok((current, current_document))
}

/// §5.4.
fn update_timestamp(
    root: &Root,
    floors: &Floors,
    source: &mut dyn UpdateSource,
    at: Option<UnixTime>,
) -> Result<metadata::Timestamp, TufError> {
    let role = TufRole::Timestamp;
    let bytes = read(source, "timestamp.json", limits::MAX_TUF_METADATA_BYTES)?.ok_or(
        TufError::MissingFile {
            name: String::from("timestamp.json"),
        },
    )?;
    let envelope = metadata::parse(&bytes, role)?;
    let timestamp = envelope.timestamp()?;
    check_threshold(&envelope, &root.keys, &root.timestamp, role)?;
    check_not_below(role, timestamp.common.version, floors.timestamp)?;
    check_not_below(
        TufRole::Snapshot,
        timestamp.snapshot.version,
        floors.snapshot,
    )?;
    check_expiry(role, timestamp.common.expires, at)?;
    Ok(timestamp)
}

/// §5.5.
fn update_snapshot(
    root: &Root,
    floors: &Floors,
    meta: &MetaFile,
    source: &mut dyn UpdateSource,
    at: Option<UnixTime>,
) -> Result<metadata::Snapshot, TufError> {
    let role = TufRole::Snapshot;
    let bytes = read_metadata(root, role, meta, source)?;
    let envelope = metadata::parse(&bytes, role)?;
    let snapshot = envelope.snapshot()?;
    check_threshold(&envelope, &root.keys, &root.snapshot, role)?;
    check_version(role, meta.version, snapshot.common.version)?;
    check_not_below(TufRole::Targets, snapshot.targets.version, floors.targets)?;
    check_expiry(role, snapshot.common.expires, at)?;
    Ok(snapshot)
}

/// §5.6 (top-level targets only; see the module documentation on delegations).
fn update_targets(
    root: &Root,
    meta: &MetaFile,
    source: &mut dyn UpdateSource,
    at: Option<UnixTime>,
) -> Result<metadata::Targets, TufError> {
    let role = TufRole::Targets;
    let bytes = read_metadata(root, role, meta, source)?;
    let envelope = metadata::parse(&bytes, role)?;
    let targets = envelope.targets()?;
    check_threshold(&envelope, &root.keys, &root.targets, role)?;
    check_version(role, meta.version, targets.common.version)?;
    check_expiry(role, targets.common.expires, at)?;
    Ok(targets)
}

/// The target file, with exactly its listed length and hashes.
fn fetch_target(
    root: &Root,
    targets: &metadata::Targets,
    name: &str,
    source: &mut dyn UpdateSource,
) -> Result<Vec<u8>, TufError> {
    let info = targets
        .targets
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, info)| info)
        .ok_or_else(|| TufError::TargetNotFound {
            name: String::from(name),
        })?;
    let length = usize::try_from(info.length)
        .ok()
        .filter(|l| *l <= limits::MAX_TUF_TARGET_BYTES)
        .ok_or(TufError::LimitExceeded {
            what: "TUF target size",
            limit: limits::MAX_TUF_TARGET_BYTES,
        })?;
    let plain = format!("targets/{name}");
    // Consistent snapshots name a target `HASH.NAME` in its directory; the SHA-256 if listed.
    let versioned = root.consistent_snapshot.then(|| {
        let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
        let (_, hash) = info
            .hashes
            .iter()
            .find(|(alg, _)| alg == "sha256")
            .or(info.hashes.first())?;
        let hash = crate::encoding::hex_encode(hash);
        Some(if dir.is_empty() {
            format!("targets/{hash}.{file}")
        } else {
            format!("targets/{dir}/{hash}.{file}")
        })
    });
    let bytes = read_either(source, versioned.flatten().as_deref(), &plain, length)?;
    if bytes.len() != length {
        return Err(TufError::TargetLengthMismatch {
            name: String::from(name),
            expected: info.length,
            found: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        });
    }
    metadata::check_hashes(&bytes, &info.hashes).map_err(|algorithm| {
        TufError::TargetHashMismatch {
            name: String::from(name),
            algorithm,
        }
    })?;
    Ok(bytes)
}

/// Snapshot or targets metadata, by the names consistent snapshots give it, with the length
/// and hashes the metadata above it lists (when it lists them).
fn read_metadata(
    root: &Root,
    role: TufRole,
    meta: &MetaFile,
    source: &mut dyn UpdateSource,
) -> Result<Vec<u8>, TufError> {
    let plain = format!("{}.json", role.name());
    let versioned = root
        .consistent_snapshot
        .then(|| format!("{}.{plain}", meta.version));
    let max_len = meta
        .length
        .and_then(|l| usize::try_from(l).ok())
        .map_or(limits::MAX_TUF_METADATA_BYTES, |l| {
            l.min(limits::MAX_TUF_METADATA_BYTES)
        });
    let bytes = read_either(source, versioned.as_deref(), &plain, max_len)?;
    if let Some(expected) = meta.length {
        let found = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if found != expected {
            return Err(TufError::MetadataLengthMismatch {
                role,
                expected,
                found,
            });
        }
    }
    metadata::check_hashes(&bytes, &meta.hashes)
        .map_err(|algorithm| TufError::MetadataHashMismatch { role, algorithm })?;
    Ok(bytes)
}

/// The first of two names that exists; at most one byte past `max_len` is kept.
fn read_either(
    source: &mut dyn UpdateSource,
    first: Option<&str>,
    plain: &str,
    max_len: usize,
) -> Result<Vec<u8>, TufError> {
    if let Some(first) = first {
        if let Some(bytes) = read_bounded(source, first, max_len)? {
            return Ok(bytes);
        }
    }
    read_bounded(source, plain, max_len)?.ok_or_else(|| TufError::MissingFile {
        name: String::from(plain),
    })
}

/// A file of at most `max_len + 1` bytes (the extra byte tells "too long" from "exact").
fn read_bounded(
    source: &mut dyn UpdateSource,
    name: &str,
    max_len: usize,
) -> Result<Option<Vec<u8>>, TufError> {
    let bytes = source
        .read(name, max_len)
        .map_err(|ReadFailed| TufError::ReadFailed {
            name: String::from(name),
        })?;
    Ok(bytes.map(|mut b| {
        b.truncate(max_len.saturating_add(1));
        b
    }))
}

/// A metadata file within [`limits::MAX_TUF_METADATA_BYTES`].
fn read(
    source: &mut dyn UpdateSource,
    name: &str,
    max_len: usize,
) -> Result<Option<Vec<u8>>, TufError> {
    let bytes = read_bounded(source, name, max_len)?;
    if bytes.as_ref().is_some_and(|b| b.len() > max_len) {
        return Err(TufError::LimitExceeded {
            what: "TUF metadata size",
            limit: max_len,
        });
    }
    Ok(bytes)
}

fn check_not_below(role: TufRole, found: u64, trusted: u64) -> Result<(), TufError> {
    if found < trusted {
        return Err(TufError::Rollback {
            role,
            trusted,
            found,
        });
    }
    Ok(())
}

fn check_version(role: TufRole, expected: u64, found: u64) -> Result<(), TufError> {
    if found != expected {
        return Err(TufError::VersionMismatch {
            role,
            expected,
            found,
        });
    }
    Ok(())
}

impl From<TufError> for Error {
    fn from(e: TufError) -> Self {
        Self::Tuf(e)
    }
}
