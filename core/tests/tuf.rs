//! Offline TUF updates (`verify_update`) on Sigstore's real repository, and every tamper.
//!
//! Real data (`data/tuf/`, see its NOTICE): the public-good repository on 2025-07-11 (root
//! v13, targets v12) and 2026-08-21 (root v15, targets v14), and every root version 1–15.
//! Update directories are assembled in memory from those files; tampered variants are derived
//! in each test. Rules that need metadata Sigstore never published (a key under two IDs,
//! hashes in `meta`, key rotations, Ed25519) use small repositories signed here with fixed
//! test keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use edgeverify_core::{
    verify_update, verify_update_target, Error, ReadFailed, Stage, TimePolicy, TrustRoot, TufError,
    TufRole, TufState, UnixTime, EMBEDDED_PRODUCTION_SHA256,
};
use serde_json::{json, Value};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/tuf/sigstore-production"
);

fn file(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn time(rfc3339: &str) -> UnixTime {
    UnixTime::parse_rfc3339(rfc3339).unwrap()
}

/// Between the 2025-07-11 timestamp's signing and its expiry (2025-07-11T01:55:42Z).
fn in_2025() -> TimePolicy {
    TimePolicy::TrustedNow(time("2025-07-10T12:00:00Z"))
}

/// Between the 2026-08-21 timestamp's signing and its expiry (2026-08-28T19:25:56Z).
fn in_2026() -> TimePolicy {
    TimePolicy::TrustedNow(time("2026-08-22T00:00:00Z"))
}

/// The 2026-08-21 repository with root versions 14 and 15: the update from the 2025 state.
fn update_2026() -> Dir {
    Dir::repository("2026-08-21").with_roots(14..=15)
}

/// An update directory in memory.
#[derive(Clone, Default)]
struct Dir(BTreeMap<String, Vec<u8>>);

impl Dir {
    /// The repository state of one date, with plain names (as a TUF client cache has them).
    fn repository(date: &str) -> Self {
        let mut dir = Self::default();
        for role in ["root", "timestamp", "snapshot", "targets"] {
            dir = dir.with(
                &format!("{role}.json"),
                file(&format!("{date}/metadata/{role}.json")),
            );
        }
        dir.with(
            "targets/trusted_root.json",
            file(&format!("{date}/targets/trusted_root.json")),
        )
    }

    /// Adds `N.root.json` for every N in `versions`, from the root history.
    fn with_roots(mut self, versions: std::ops::RangeInclusive<u64>) -> Self {
        for n in versions {
            self = self.with(
                &format!("{n}.root.json"),
                file(&format!("root_history/{n}.root.json")),
            );
        }
        self
    }

    fn with(mut self, name: &str, bytes: Vec<u8>) -> Self {
        self.0.insert(name.to_owned(), bytes);
        self
    }

    fn without(mut self, name: &str) -> Self {
        assert!(self.0.remove(name).is_some(), "{name} was not there");
        self
    }

    fn get(&self, name: &str) -> &[u8] {
        &self.0[name]
    }

    /// Rewrites the JSON file `name`.
    fn edit(self, name: &str, change: impl FnOnce(&mut Value)) -> Self {
        let mut value: Value = serde_json::from_slice(self.get(name)).unwrap();
        change(&mut value);
        let bytes = serde_json::to_vec_pretty(&value).unwrap();
        self.with(name, bytes)
    }

    fn verify(&self, state: &TufState, time: TimePolicy) -> Result<Update, Error> {
        self.verify_staged(state, time).map_err(unstaged)
    }

    /// As `verify`, with the error as the library returns it (staged).
    fn verify_staged(&self, state: &TufState, time: TimePolicy) -> Result<Update, Error> {
        let mut source = |name: &str, max_len: usize| -> Result<Option<Vec<u8>>, ReadFailed> {
            Ok(self
                .0
                .get(name)
                .map(|b| b[..b.len().min(max_len + 1)].to_vec()))
        };
        verify_update(state, &mut source, time).map(|u| {
            let (target, state) = u.into_parts();
            Update { target, state }
        })
    }
}

struct Update {
    target: Vec<u8>,
    state: TufState,
}

fn tuf(e: TufError) -> Error {
    Error::Tuf(e)
}

/// Every refusal arises in the update stage; the tests compare what it says.
fn unstaged(e: Error) -> Error {
    assert_eq!(e.stage(), Stage::TrustRootUpdate, "{e}");
    e.cause().clone()
}

fn sha256_hex(bytes: &[u8]) -> String {
    edgeverify_core::hex_encode(
        edgeverify_core::HashAlgorithm::Sha256
            .digest(bytes)
            .as_bytes(),
    )
}

/// Keeps only the signatures whose key ID starts with one of `prefixes`.
fn keep_signatures(prefixes: &'static [&'static str]) -> impl FnOnce(&mut Value) {
    move |doc| {
        doc["signatures"].as_array_mut().unwrap().retain(|s| {
            prefixes
                .iter()
                .any(|p| s["keyid"].as_str().unwrap().starts_with(p))
        });
    }
}

/// A device as of 2025-07-11: it trusts root v13 and has accepted timestamp v398, snapshot
/// v159 and the targets version that snapshot names, v11, at 2025-07-10T12:00:00Z.
///
/// The repository as committed on that day cannot be applied as a whole: its `targets.json` is
/// already v12 while its snapshot still names v11 (a signing event merged before the online
/// snapshot was re-signed). A TUF client refuses that mix
/// (`the_2025_commit_mixes_two_targets_versions`), so the floors a device that updated then
/// would hold are written here.
fn state_2025() -> TufState {
    let root13 = TufState::from_trusted_root(&file("2025-07-11/metadata/root.json")).unwrap();
    state_with(&root13, |v| {
        v["timestamp_version"] = json!(398);
        v["snapshot_version"] = json!(159);
        v["targets_version"] = json!(11);
        v["newest_verified_time_ms"] = json!(time("2025-07-10T12:00:00Z").as_millis());
    })
}

/// A persisted state with some fields replaced.
fn state_with(state: &TufState, change: impl FnOnce(&mut Value)) -> TufState {
    let mut value: Value = serde_json::from_slice(&state.to_json()).unwrap();
    change(&mut value);
    TufState::from_json(&serde_json::to_vec(&value).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The real chain and the real update.

#[test]
fn real_root_chain_v1_to_v15() {
    let root1 = TufState::from_trusted_root(&file("root_history/1.root.json")).unwrap();
    assert_eq!(root1.root_version(), 1);
    let dir = Dir::repository("2026-08-21").with_roots(2..=15);
    let update = dir.verify(&root1, in_2026()).unwrap();
    assert_eq!(update.state.root_version(), 15);
    assert_eq!(update.target, file("2026-08-21/targets/trusted_root.json"));
    assert_eq!(
        (
            update.state.timestamp_version(),
            update.state.snapshot_version(),
            update.state.targets_version()
        ),
        (762, 165, 14)
    );
}

#[test]
fn every_real_root_version_is_accepted_from_its_predecessor() {
    for n in 1..15u64 {
        let state =
            TufState::from_trusted_root(&file(&format!("root_history/{n}.root.json"))).unwrap();
        let dir = Dir::repository("2026-08-21")
            .without("root.json")
            .with_roots(n + 1..=n + 1);
        // Only the step from n to n+1 is of interest here; the rest of the repository is
        // verified under root n+1 when its keys sign it (from v12 on), and fails otherwise.
        let result = dir.verify(&state, TimePolicy::DangerSkipExpiryChecks);
        match result {
            Ok(update) => assert_eq!(update.state.root_version(), n + 1),
            Err(Error::Tuf(TufError::ThresholdNotMet { role, .. })) => {
                assert_ne!(role, TufRole::Root, "root {n} → {}", n + 1);
                assert!(n + 1 < 12, "root {} should sign the 2026 repository", n + 1);
            }
            Err(e) => panic!("root {n} → {}: {e}", n + 1),
        }
    }
}

#[test]
fn the_2025_commit_mixes_two_targets_versions() {
    let root13 = TufState::from_trusted_root(&file("2025-07-11/metadata/root.json")).unwrap();
    assert_eq!(
        Dir::repository("2025-07-11")
            .verify(&root13, in_2025())
            .err(),
        Some(tuf(TufError::VersionMismatch {
            role: TufRole::Targets,
            expected: 11,
            found: 12
        }))
    );
}

#[test]
fn real_update_2025_to_2026() {
    let before = state_2025();
    assert_eq!(
        (
            before.root_version(),
            before.timestamp_version(),
            before.snapshot_version(),
            before.targets_version()
        ),
        (13, 398, 159, 11)
    );
    // Persisted and loaded again, as a device would between the two updates.
    let before = TufState::from_json(&before.to_json()).unwrap();
    let dir = update_2026();
    let update = dir.verify(&before, in_2026()).unwrap();
    let state = &update.state;
    assert_eq!(
        (
            state.root_version(),
            state.timestamp_version(),
            state.snapshot_version(),
            state.targets_version()
        ),
        (15, 762, 165, 14)
    );
    assert_eq!(update.target, file("2026-08-21/targets/trusted_root.json"));
    assert_eq!(sha256_hex(&update.target), EMBEDDED_PRODUCTION_SHA256);
    // The new trusted root is usable, and is the embedded one, byte for byte.
    let root = TrustRoot::from_json(&update.target).unwrap();
    assert_eq!(
        root.source_sha256(),
        TrustRoot::embedded_production().unwrap().source_sha256()
    );
    assert_eq!(state.root_expires(), time("2026-11-20T13:58:18Z"));
    assert_eq!(
        state.newest_verified_time(),
        Some(time("2026-08-22T00:00:00Z"))
    );
    // The state records the verified target, so an installed copy can be checked against it.
    assert!(before.verified_target().is_none());
    let target = state.verified_target().unwrap();
    assert_eq!(
        (
            target.name(),
            target.length(),
            edgeverify_core::hex_encode(target.sha256())
        ),
        ("trusted_root.json", 6787, sha256_hex(&update.target))
    );
    assert_eq!(
        edgeverify_core::hex_encode(target.sha256()),
        EMBEDDED_PRODUCTION_SHA256
    );
    assert!(target.matches(&update.target));
    let mut one_off = update.target.clone();
    one_off[100] ^= 1;
    assert!(!target.matches(&one_off));
    assert!(!target.matches(&update.target[1..]));
    let reloaded = TufState::from_json(&state.to_json()).unwrap();
    assert_eq!(reloaded.verified_target(), Some(target));
}

#[test]
fn versioned_names_are_preferred_and_plain_names_accepted() {
    // The CDN's consistent-snapshot names; the plain ones are absent.
    let repo = Dir::repository("2026-08-21");
    let hash = sha256_hex(repo.get("targets/trusted_root.json"));
    let dir = Dir::default()
        .with_roots(14..=15)
        .with("timestamp.json", repo.get("timestamp.json").to_vec())
        .with("165.snapshot.json", repo.get("snapshot.json").to_vec())
        .with("14.targets.json", repo.get("targets.json").to_vec())
        .with(
            &format!("targets/{hash}.trusted_root.json"),
            repo.get("targets/trusted_root.json").to_vec(),
        );
    let update = dir.verify(&state_2025(), in_2026()).unwrap();
    assert_eq!(sha256_hex(&update.target), hash);
    // A wrong file under a plain name is not read when the versioned name exists.
    let dir = dir.with("snapshot.json", b"not even JSON".to_vec());
    assert!(dir.verify(&state_2025(), in_2026()).is_ok());
}

#[test]
fn embedded_state_verifies_the_embedded_trusted_root() {
    let state = TufState::embedded_sigstore_production().unwrap();
    assert_eq!(state.root_version(), 15);
    assert_eq!(
        (
            state.timestamp_version(),
            state.snapshot_version(),
            state.targets_version()
        ),
        (762, 165, 14)
    );
    assert_eq!(
        state.newest_verified_time(),
        Some(time("2026-08-21T00:00:00Z"))
    );
    // The same repository state again (versions equal to the floors): accepted, so an
    // interrupted install can be redone, and it yields exactly the embedded trusted root.
    let update = Dir::repository("2026-08-21")
        .verify(&state, TimePolicy::NewestVerifiedTime)
        .unwrap();
    assert_eq!(sha256_hex(&update.target), EMBEDDED_PRODUCTION_SHA256);
    assert_eq!(update.state.to_json(), state.to_json());
    // The embedded state vouches for the embedded trusted root.
    let embedded = state.verified_target().unwrap();
    assert!(embedded.matches(&update.target));
    assert_eq!(embedded.name(), "trusted_root.json");
}

#[test]
fn embedded_state_refuses_the_older_repository_even_without_expiry_checks() {
    // The 2025 repository is validly signed under root v15's keys (the same root-holder and
    // online keys), so only the floors stop it.
    let state = TufState::embedded_sigstore_production().unwrap();
    let err = Dir::repository("2025-07-11")
        .verify(&state, TimePolicy::DangerSkipExpiryChecks)
        .err();
    assert_eq!(
        err,
        Some(tuf(TufError::Rollback {
            role: TufRole::Timestamp,
            trusted: 762,
            found: 398
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// Signatures and thresholds.

#[test]
fn targets_signatures_removed_below_threshold() {
    // Targets v14 carries five valid signatures, threshold 3: two are not enough.
    let dir = update_2026().edit("targets.json", keep_signatures(&["e71a", "22f4"]));
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Targets,
            valid: 2,
            threshold: 3
        }))
    );
    // Three are.
    let dir = update_2026().edit("targets.json", keep_signatures(&["e71a", "22f4", "183e"]));
    assert!(dir.verify(&state_2025(), in_2026()).is_ok());
}

#[test]
fn timestamp_signature_removed() {
    let dir = update_2026().edit("timestamp.json", keep_signatures(&[]));
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Timestamp,
            valid: 0,
            threshold: 1
        }))
    );
}

#[test]
fn root_signatures_removed_below_the_trusted_roots_threshold() {
    // Root v14 has four valid signatures (and an empty one for 22f4); keep two.
    let dir = update_2026().edit("14.root.json", keep_signatures(&["e71a", "6164"]));
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::RootNotSignedByTrustedRoot {
            version: 14,
            valid: 2,
            threshold: 3
        }))
    );
}

#[test]
fn duplicated_signature_counts_once() {
    // Two valid targets signatures and a copy of one of them: still two signers.
    let dir = update_2026().edit("targets.json", |doc| {
        keep_signatures(&["e71a", "22f4"])(doc);
        let copy = doc["signatures"][0].clone();
        doc["signatures"].as_array_mut().unwrap().push(copy);
    });
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Targets,
            valid: 2,
            threshold: 3
        }))
    );
    // Root v12 has exactly its threshold of valid signatures; one replaced by a copy of
    // another falls short.
    let state11 = TufState::from_trusted_root(&file("root_history/11.root.json")).unwrap();
    let dir = Dir::default()
        .with_roots(12..=12)
        .edit("12.root.json", |doc| {
            let sigs = doc["signatures"].as_array_mut().unwrap();
            let e71a = sigs
                .iter()
                .find(|s| s["keyid"].as_str().unwrap().starts_with("e71a"))
                .unwrap()
                .clone();
            for s in sigs.iter_mut() {
                if s["keyid"].as_str().unwrap().starts_with("6164") {
                    *s = e71a.clone();
                }
            }
        });
    assert_eq!(
        dir.verify(&state11, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::RootNotSignedByTrustedRoot {
            version: 12,
            valid: 2,
            threshold: 3
        }))
    );
}

#[test]
fn root_signed_only_by_the_new_keys() {
    // Root v10 replaced every root key of v9 and is signed by both sets. Without the old
    // keys' signatures, v9 cannot vouch for it.
    let v9_keys: &[&str] = &["fdfa", "e2f5", "3c34", "ec81", "1e1d"];
    let state9 = TufState::from_trusted_root(&file("root_history/9.root.json")).unwrap();
    let dir = Dir::default().with_roots(10..=10).edit(
        "10.root.json",
        keep_signatures(&["6f26", "e71a", "22f4", "6164", "a687"]),
    );
    assert_eq!(
        dir.verify(&state9, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::RootNotSignedByTrustedRoot {
            version: 10,
            valid: 0,
            threshold: 3
        }))
    );
    // And only by the old keys: v10's own keys have not accepted it.
    let dir = Dir::default()
        .with_roots(10..=10)
        .edit("10.root.json", |doc| {
            doc["signatures"].as_array_mut().unwrap().retain(|s| {
                v9_keys
                    .iter()
                    .any(|p| s["keyid"].as_str().unwrap().starts_with(p))
            });
        });
    assert_eq!(
        dir.verify(&state9, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Root,
            valid: 0,
            threshold: 3
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// Versions.

#[test]
fn skipped_root_version() {
    // Root v15 offered as the next version after v13.
    let dir = Dir::repository("2026-08-21").with("14.root.json", file("root_history/15.root.json"));
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::RootVersionSkipped {
            expected: 14,
            found: 15
        }))
    );
    // The newest root.json (v15) is there but 14.root.json is not: the gap is refused rather
    // than updating under root v13.
    let dir = Dir::repository("2026-08-21").with_roots(15..=15);
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::RootVersionSkipped {
            expected: 14,
            found: 15
        }))
    );
}

#[test]
fn rollback_of_timestamp_snapshot_and_targets() {
    let after = update_2026()
        .verify(&state_2025(), in_2026())
        .unwrap()
        .state;
    // The whole older repository, replayed.
    assert_eq!(
        Dir::repository("2025-07-11")
            .verify(&after, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::Rollback {
            role: TufRole::Timestamp,
            trusted: 762,
            found: 398
        }))
    );
    // Each floor one above what the 2026 repository has.
    let repo = Dir::repository("2026-08-21");
    for (field, role, trusted, found) in [
        ("timestamp_version", TufRole::Timestamp, 763, 762),
        ("snapshot_version", TufRole::Snapshot, 166, 165),
        ("targets_version", TufRole::Targets, 15, 14),
    ] {
        let state = state_with(&after, |v| v[field] = json!(trusted));
        assert_eq!(
            repo.verify(&state, in_2026()).err(),
            Some(tuf(TufError::Rollback {
                role,
                trusted,
                found
            })),
            "{field}"
        );
    }
}

#[test]
fn metadata_mixed_from_the_two_dates() {
    let new = update_2026();
    let old = Dir::repository("2025-07-11");
    let cases = [
        (
            "snapshot.json",
            TufError::VersionMismatch {
                role: TufRole::Snapshot,
                expected: 165,
                found: 159,
            },
        ),
        (
            "targets.json",
            TufError::VersionMismatch {
                role: TufRole::Targets,
                expected: 14,
                found: 12,
            },
        ),
        (
            "targets/trusted_root.json",
            TufError::TargetLengthMismatch {
                name: "trusted_root.json".into(),
                expected: 6787,
                found: 6367,
            },
        ),
    ];
    for (name, expected) in cases {
        let mixed = new.clone().with(name, old.get(name).to_vec());
        assert_eq!(
            mixed.verify(&state_2025(), in_2026()).err(),
            Some(tuf(expected)),
            "{name}"
        );
    }
    // The old timestamp with the new snapshot.
    let mixed = new
        .clone()
        .with("timestamp.json", old.get("timestamp.json").to_vec());
    assert_eq!(
        mixed
            .verify(&state_2025(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::VersionMismatch {
            role: TufRole::Snapshot,
            expected: 159,
            found: 165
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// The target.

#[test]
fn target_one_byte_off_or_of_the_wrong_length() {
    let dir = update_2026();
    let good = dir.get("targets/trusted_root.json").to_vec();
    let mut flipped = good.clone();
    flipped[100] ^= 0x01;
    let mut longer = good.clone();
    longer.push(b'\n');
    let shorter = good[..good.len() - 1].to_vec();
    let cases = [
        (
            flipped,
            TufError::TargetHashMismatch {
                name: "trusted_root.json".into(),
                algorithm: "sha256".into(),
            },
        ),
        (
            longer,
            TufError::TargetLengthMismatch {
                name: "trusted_root.json".into(),
                expected: 6787,
                found: 6788,
            },
        ),
        (
            shorter,
            TufError::TargetLengthMismatch {
                name: "trusted_root.json".into(),
                expected: 6787,
                found: 6786,
            },
        ),
    ];
    for (bytes, expected) in cases {
        let tampered = dir.clone().with("targets/trusted_root.json", bytes);
        assert_eq!(
            tampered.verify(&state_2025(), in_2026()).err(),
            Some(tuf(expected))
        );
    }
}

#[test]
fn missing_target() {
    let dir = update_2026().without("targets/trusted_root.json");
    assert_eq!(
        dir.verify(&state_2025(), in_2026()).err(),
        Some(tuf(TufError::MissingFile {
            name: "targets/trusted_root.json".into()
        }))
    );
    // A target the targets metadata does not list.
    let dir = update_2026();
    let mut source = |name: &str, _: usize| Ok(dir.0.get(name).cloned());
    let err = verify_update_target(&state_2025(), &mut source, in_2026(), "not_listed.json")
        .map_err(unstaged)
        .err();
    assert_eq!(
        err,
        Some(tuf(TufError::TargetNotFound {
            name: "not_listed.json".into()
        }))
    );
}

#[test]
fn missing_and_unreadable_metadata() {
    let dir = Dir::repository("2026-08-21").without("timestamp.json");
    assert_eq!(
        dir.verify(
            &TufState::embedded_sigstore_production().unwrap(),
            in_2026()
        )
        .err(),
        Some(tuf(TufError::MissingFile {
            name: "timestamp.json".into()
        }))
    );
    let mut failing = |name: &str, _: usize| -> Result<Option<Vec<u8>>, ReadFailed> {
        if name == "snapshot.json" || name == "165.snapshot.json" {
            Err(ReadFailed)
        } else {
            Ok(Dir::repository("2026-08-21").0.get(name).cloned())
        }
    };
    let state = TufState::embedded_sigstore_production().unwrap();
    assert_eq!(
        verify_update(&state, &mut failing, in_2026())
            .map_err(unstaged)
            .err(),
        Some(tuf(TufError::ReadFailed {
            name: "165.snapshot.json".into()
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// Time.

#[test]
fn expiry_with_a_trusted_time() {
    let dir = update_2026();
    let late = time("2026-09-01T00:00:00Z");
    assert_eq!(
        dir.verify(&state_2025(), TimePolicy::TrustedNow(late))
            .err(),
        Some(tuf(TufError::Expired {
            role: TufRole::Timestamp,
            expires: time("2026-08-28T19:25:56Z"),
            at: late
        }))
    );
    // Expiry is exclusive: metadata is valid strictly before `expires`.
    let at_expiry = time("2026-08-28T19:25:56Z");
    assert!(matches!(
        dir.verify(&state_2025(), TimePolicy::TrustedNow(at_expiry)),
        Err(Error::Tuf(TufError::Expired { .. }))
    ));
    let just_before = UnixTime::from_millis(at_expiry.as_millis() - 1);
    assert!(dir
        .verify(&state_2025(), TimePolicy::TrustedNow(just_before))
        .is_ok());
    // Without the new roots the device stays on root v13, which expired on 2026-01-22.
    assert_eq!(
        Dir::repository("2026-08-21")
            .without("root.json")
            .verify(&state_2025(), in_2026())
            .err(),
        Some(tuf(TufError::Expired {
            role: TufRole::Root,
            expires: time("2026-01-22T13:05:59Z"),
            at: time("2026-08-22T00:00:00Z")
        }))
    );
    // A trusted time earlier than one already verified is refused (a clock gone back).
    let state = state_2025();
    assert_eq!(
        dir.verify(&state, TimePolicy::TrustedNow(time("2025-01-01T00:00:00Z")))
            .err(),
        Some(tuf(TufError::TimeBeforeVerifiedTime {
            given: time("2025-01-01T00:00:00Z"),
            newest_verified: time("2025-07-10T12:00:00Z")
        }))
    );
}

#[test]
fn expiry_against_the_newest_verified_time() {
    let dir = update_2026();
    // The device last verified a time in 2025: the 2026 metadata is unexpired then.
    let state = state_2025();
    let update = dir.verify(&state, TimePolicy::NewestVerifiedTime).unwrap();
    assert_eq!(update.state.root_version(), 15);
    // The floor does not move by itself.
    assert_eq!(
        update.state.newest_verified_time(),
        Some(time("2025-07-10T12:00:00Z"))
    );
    // A device that has since verified a time after the timestamp's expiry refuses it.
    let mut later = state.clone();
    later.record_verified_time(time("2026-09-01T00:00:00Z"));
    later.record_verified_time(time("2026-01-01T00:00:00Z")); // monotonic: no effect
    assert_eq!(
        later.newest_verified_time(),
        Some(time("2026-09-01T00:00:00Z"))
    );
    assert_eq!(
        dir.verify(&later, TimePolicy::NewestVerifiedTime).err(),
        Some(tuf(TufError::Expired {
            role: TufRole::Timestamp,
            expires: time("2026-08-28T19:25:56Z"),
            at: time("2026-09-01T00:00:00Z")
        }))
    );
    // The persisted state keeps the time.
    let reloaded = TufState::from_json(&later.to_json()).unwrap();
    assert_eq!(
        reloaded.newest_verified_time(),
        later.newest_verified_time()
    );
    // A state that has no verified time cannot use this policy: refused, not skipped.
    let bare = TufState::from_trusted_root(&file("2025-07-11/metadata/root.json")).unwrap();
    assert_eq!(
        Dir::repository("2025-07-11")
            .verify(&bare, TimePolicy::NewestVerifiedTime)
            .err(),
        Some(tuf(TufError::NoVerifiedTime))
    );
}

#[test]
fn expiry_checks_skipped_only_when_asked() {
    // Staying on root v13, which expired on 2026-01-22: refused with a time, accepted under
    // the opt-out — everything but expiry is still checked.
    let bare = TufState::from_trusted_root(&file("2025-07-11/metadata/root.json")).unwrap();
    let without_new_roots = Dir::repository("2026-08-21").without("root.json");
    assert!(matches!(
        without_new_roots.verify(&bare, in_2026()),
        Err(Error::Tuf(TufError::Expired {
            role: TufRole::Root,
            ..
        }))
    ));
    let update = without_new_roots
        .verify(&bare, TimePolicy::DangerSkipExpiryChecks)
        .unwrap();
    assert_eq!(update.state.root_version(), 13);
    assert_eq!(update.state.targets_version(), 14);
    assert_eq!(update.state.newest_verified_time(), None);
    // A repository state long expired (the timestamp on 2026-08-28) is accepted under the
    // opt-out: this is the freeze the opt-out cannot see.
    let dir = update_2026();
    assert!(dir
        .verify(&bare, TimePolicy::DangerSkipExpiryChecks)
        .is_ok());
    assert!(dir
        .verify(&bare, TimePolicy::TrustedNow(time("2030-01-01T00:00:00Z")))
        .is_err());
    // Rollback floors hold under the opt-out.
    let after = dir.verify(&bare, in_2026()).unwrap().state;
    let older = state_with(&after, |v| v["snapshot_version"] = json!(200));
    assert_eq!(
        dir.verify(&older, TimePolicy::DangerSkipExpiryChecks).err(),
        Some(tuf(TufError::Rollback {
            role: TufRole::Snapshot,
            trusted: 200,
            found: 165
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// The persisted state.

#[test]
fn state_round_trips_and_refuses_corruption() {
    let state = state_2025();
    let json = state.to_json();
    let loaded = TufState::from_json(&json).unwrap();
    assert_eq!(loaded.to_json(), json);
    assert_eq!(loaded.root_version(), 13);

    let invalid = |reason| Some(tuf(TufError::InvalidState { reason }));
    let edited = |change: &dyn Fn(&mut Value)| {
        let mut value: Value = serde_json::from_slice(&json).unwrap();
        change(&mut value);
        TufState::from_json(&serde_json::to_vec(&value).unwrap()).err()
    };
    // A root whose signed part changed no longer carries its own keys' signatures.
    assert_eq!(
        edited(&|v| v["root"]["signed"]["expires"] = json!("2099-01-01T00:00:00Z")),
        invalid("the root is not signed by its own root keys")
    );
    assert_eq!(
        edited(&|v| v["extra"] = json!(1)),
        invalid("fields are not exactly those of the state format")
    );
    assert_eq!(
        edited(&|v| v["format"] = json!("edgeverify-tuf-state-v2")),
        invalid("unknown state format")
    );
    assert_eq!(
        edited(&|v| v["targets_version"] = json!(-1)),
        invalid("a version is not a non-negative integer")
    );
    assert_eq!(
        edited(&|v| v["root"]["signed"]["_type"] = json!("targets")),
        invalid("the root is not valid TUF root metadata")
    );
    assert_eq!(TufState::from_json(b"{").err(), invalid("not JSON"));

    // The verified target: null, or exactly {length, name, sha256} in lowercase hex.
    let bad_target = invalid("target is not null or {length, name, sha256 (lowercase hex)}");
    let digest = "ab".repeat(32);
    let target = |v: Value| move |s: &mut Value| s["target"] = v.clone();
    let good = json!({"length": 5, "name": "trusted_root.json", "sha256": digest});
    assert_eq!(edited(&target(good.clone())), None);
    for bad in [
        json!({"length": 5, "name": "trusted_root.json", "sha256": digest.to_uppercase()}),
        json!({"length": 5, "name": "trusted_root.json", "sha256": "ab".repeat(31)}),
        json!({"length": 5, "name": "", "sha256": digest}),
        json!({"length": -5, "name": "trusted_root.json", "sha256": digest}),
        json!({"name": "trusted_root.json", "sha256": digest}),
        json!({"length": 5, "name": "trusted_root.json", "sha256": digest, "x": 1}),
        json!("trusted_root.json"),
    ] {
        assert_eq!(edited(&target(bad.clone())), bad_target, "{bad}");
    }
    assert_eq!(
        edited(&|v| {
            v.as_object_mut().unwrap().remove("target");
        }),
        invalid("fields are not exactly those of the state format")
    );
}

#[test]
fn trusted_root_must_be_signed_by_itself() {
    let root = Dir::default()
        .with("r", file("root_history/12.root.json"))
        .edit("r", keep_signatures(&["e71a", "6164"]));
    assert_eq!(
        TufState::from_trusted_root(root.get("r")).err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Root,
            valid: 2,
            threshold: 3
        }))
    );
    let targets = file("2026-08-21/metadata/targets.json");
    assert_eq!(
        TufState::from_trusted_root(&targets).err(),
        Some(tuf(TufError::InvalidMetadata {
            role: TufRole::Root,
            reason: "_type is not this role"
        }))
    );
}

// ---------------------------------------------------------------------------------------------
// Synthetic repositories, signed here with fixed test keys, for rules Sigstore's metadata
// never exercises.

/// The TUF repository of the test instance (`tools/testinstance`, `tuf`), publishing a small
/// target, with its update directories as [`Dir`]s.
mod synthetic {
    use super::*;
    pub(super) use edgeverify_testinstance::tuf::{sign, Key};

    #[derive(Clone)]
    pub(super) struct Repo(pub(super) edgeverify_testinstance::tuf::Repo);

    impl std::ops::Deref for Repo {
        type Target = edgeverify_testinstance::tuf::Repo;
        fn deref(&self) -> &Self::Target {
            &self.0
        }
    }

    impl Repo {
        pub(super) fn new() -> Self {
            Self(edgeverify_testinstance::tuf::Repo::new(
                br#"{"mediaType":"test"}"#.to_vec(),
            ))
        }

        /// The same repository with some keys (or the target) replaced.
        pub(super) fn with_parts(
            &self,
            change: impl FnOnce(&mut edgeverify_testinstance::tuf::Repo),
        ) -> Self {
            let mut repo = self.0.clone();
            change(&mut repo);
            Self(repo)
        }

        pub(super) fn state(&self) -> TufState {
            TufState::from_trusted_root(&self.root(1)).unwrap()
        }

        /// timestamp v`version` → snapshot v`version` → targets v`version` → the target.
        pub(super) fn dir(&self, version: u64) -> Dir {
            Dir(self.update_dir(version).files)
        }

        /// [`Repo::dir`] with the targets' `signed` changed before it is signed.
        pub(super) fn dir_with(&self, version: u64, change: impl FnOnce(&mut Value)) -> Dir {
            Dir(self.update_dir_with(version, change).files)
        }
    }
}

use synthetic::{sign, Key, Repo};

#[test]
fn synthetic_repository_verifies() {
    let repo = Repo::new();
    let update = repo
        .dir(1)
        .verify(&repo.state(), TimePolicy::NewestVerifiedTime)
        .err();
    // A state from a root given by the operator has no verified time yet.
    assert_eq!(update, Some(tuf(TufError::NoVerifiedTime)));
    let update = repo
        .dir(1)
        .verify(
            &repo.state(),
            TimePolicy::TrustedNow(time("2030-01-01T00:00:00Z")),
        )
        .unwrap();
    assert_eq!(update.target, repo.target);
}

#[test]
fn ed25519_keys() {
    let repo = Repo::new().with_parts(|r| {
        r.root = Key::ed25519(1);
        r.timestamp = Key::ed25519(2);
        r.snapshot = Key::ed25519(3);
        r.targets = Key::ed25519(4);
    });
    assert!(repo
        .dir(1)
        .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
        .is_ok());
    // A signature by another Ed25519 key does not count.
    let other = repo.with_parts(|r| r.targets = Key::ed25519(9));
    assert_eq!(
        other
            .dir(1)
            .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Targets,
            valid: 0,
            threshold: 1
        }))
    );
}

#[test]
fn one_key_under_two_key_ids_counts_once() {
    let repo = Repo::new();
    // Root v2 lists the root key twice, as "root" and "alias", and asks for two signers.
    let mut signed = repo.root_signed(2);
    signed["keys"]["alias"] = signed["keys"]["root"].clone();
    signed["roles"]["root"] = json!({"keyids": ["root", "alias"], "threshold": 2});
    let root2 = sign(&signed, &[("root", &repo.root), ("alias", &repo.root)]);
    let dir = repo.dir(1).with("2.root.json", root2);
    assert_eq!(
        dir.verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::ThresholdNotMet {
            role: TufRole::Root,
            valid: 1,
            threshold: 2
        }))
    );
}

#[test]
fn snapshot_length_and_hashes_from_the_timestamp() {
    let repo = Repo::new();
    let state = repo.state();
    let dir = repo.dir(1);
    // Re-indented: same canonical form, so its signature still verifies — but not the
    // length and hash the timestamp signed for it.
    let value: Value = serde_json::from_slice(dir.get("snapshot.json")).unwrap();
    let compact = serde_json::to_vec(&value).unwrap();
    let compact_len = compact.len() as u64;
    let expected_len = dir.get("snapshot.json").len() as u64;
    assert_eq!(
        dir.clone()
            .with("snapshot.json", compact)
            .verify(&state, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::MetadataLengthMismatch {
            role: TufRole::Snapshot,
            expected: expected_len,
            found: compact_len
        }))
    );
    // Same length, one space moved: the hash catches it.
    let mut moved = dir.get("snapshot.json").to_vec();
    let pos = moved.windows(2).position(|w| w == b": ").unwrap();
    moved.remove(pos + 1);
    moved.push(b' ');
    assert_eq!(
        dir.with("snapshot.json", moved)
            .verify(&state, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::MetadataHashMismatch {
            role: TufRole::Snapshot,
            algorithm: "sha256".into()
        }))
    );
}

#[test]
fn timestamp_key_rotation_resets_the_online_floors() {
    let repo = Repo::new();
    let state = state_with(&repo.state(), |v| {
        v["timestamp_version"] = json!(100);
        v["snapshot_version"] = json!(100);
    });
    // Same keys: version 1 is a rollback.
    assert_eq!(
        repo.dir(1)
            .verify(&state, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::Rollback {
            role: TufRole::Timestamp,
            trusted: 100,
            found: 1
        }))
    );
    // Root v2 rotates the timestamp key (recovery from a compromised online key): the
    // repository may start its timestamp and snapshot versions again.
    let rotated = repo.with_parts(|r| r.timestamp = Key::p256(7));
    let root2 = sign(&rotated.root_signed(2), &[("root", &repo.root)]);
    let update = rotated
        .dir(1)
        .with("2.root.json", root2)
        .verify(&state, TimePolicy::DangerSkipExpiryChecks)
        .unwrap();
    assert_eq!(update.state.root_version(), 2);
    assert_eq!(update.state.timestamp_version(), 1);
}

#[test]
fn unknown_fields_are_tolerated_and_unknown_key_types_never_count() {
    let repo = Repo::new();
    let mut signed = repo.root_signed(2);
    signed["x-custom"] = json!({"nested": [1, -2, null, true]});
    signed["roles"]["root"]["x-period"] = json!(7);
    signed["keys"]["rsa"] = json!({"keytype": "rsa", "scheme": "rsassa-pss-sha256",
        "keyval": {"public": "-----BEGIN PUBLIC KEY-----AAAA-----END PUBLIC KEY-----"}});
    signed["roles"]["root"]["keyids"] = json!(["root", "rsa"]);
    let root2 = sign(&signed, &[("root", &repo.root)]);
    let mut doc: Value = serde_json::from_slice(&root2).unwrap();
    doc["x-envelope"] = json!("tolerated");
    // A signature listed for the RSA key is ignored, not an error.
    doc["signatures"]
        .as_array_mut()
        .unwrap()
        .push(json!({"keyid": "rsa", "sig": "00"}));
    let dir = repo
        .dir(1)
        .with("2.root.json", serde_json::to_vec(&doc).unwrap());
    let update = dir
        .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
        .unwrap();
    assert_eq!(update.state.root_version(), 2);
}

#[test]
fn malformed_metadata_is_refused() {
    let repo = Repo::new();
    let state = repo.state();
    let verify = |dir: &Dir| dir.verify(&state, TimePolicy::DangerSkipExpiryChecks).err();
    let invalid = |role, reason| Some(tuf(TufError::InvalidMetadata { role, reason }));
    let resigned = |change: &dyn Fn(&mut Value)| {
        let mut signed = repo.root_signed(2);
        change(&mut signed);
        repo.dir(1)
            .with("2.root.json", sign(&signed, &[("root", &repo.root)]))
    };
    assert_eq!(
        verify(&resigned(&|s| s["roles"]["root"]["threshold"] = json!(0))),
        invalid(TufRole::Root, "threshold must be at least 1")
    );
    assert_eq!(
        verify(&resigned(
            &|s| s["roles"]["root"]["keyids"] = json!(["root", "root"])
        )),
        invalid(TufRole::Root, "a role lists a key ID twice")
    );
    assert_eq!(
        verify(&resigned(&|s| s["spec_version"] = json!("2.0"))),
        invalid(
            TufRole::Root,
            "spec_version is not a supported TUF 1.x version"
        )
    );
    assert_eq!(
        verify(&resigned(&|s| {
            s["roles"]["mirror"] = s["roles"]["root"].clone();
        })),
        invalid(
            TufRole::Root,
            "roles must be exactly root, timestamp, snapshot and targets"
        )
    );
    assert_eq!(
        verify(&resigned(&|s| s["version"] = json!(0))),
        invalid(TufRole::Root, "version must be at least 1")
    );
    // A float anywhere (canonical JSON has none), a repeated key, not JSON.
    for bad in [
        &br#"{"signatures":[],"signed":{"x":1.5}}"#[..],
        br#"{"signatures":[],"signatures":[],"signed":{}}"#,
        b"\xff",
    ] {
        assert!(
            matches!(
                verify(&repo.dir(1).with("timestamp.json", bad.to_vec())),
                Some(Error::Tuf(TufError::MalformedJson {
                    role: TufRole::Timestamp,
                    ..
                }))
            ),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    // Targets delegations are validated though not followed.
    let targets = |delegations: Value| {
        let dir = repo.dir(1);
        let mut doc: Value = serde_json::from_slice(dir.get("targets.json")).unwrap();
        doc["signed"]["delegations"] = delegations;
        let signed = doc["signed"].clone();
        dir.with("targets.json", sign(&signed, &[("targets", &repo.targets)]))
    };
    let role = json!({"name": "npm", "keyids": [], "threshold": 1, "terminating": true,
                      "paths": ["npm/*"]});
    assert!(verify(&targets(json!({"keys": {}, "roles": [role.clone()]}))).is_none());
    assert_eq!(
        verify(&targets(
            json!({"keys": {}, "roles": [role.clone(), role.clone()]})
        )),
        invalid(TufRole::Targets, "a delegated role name is repeated")
    );
    let mut both = role;
    both["path_hash_prefixes"] = json!(["ab"]);
    assert_eq!(
        verify(&targets(json!({"keys": {}, "roles": [both]}))),
        invalid(
            TufRole::Targets,
            "a delegated role needs exactly one of paths and path_hash_prefixes"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Limits.

#[test]
fn metadata_size_limit() {
    let limit = edgeverify_core::limits::MAX_TUF_METADATA_BYTES;
    let repo = Repo::new();
    let state = repo.state();
    // Padding outside `signed` keeps the signature valid: exactly at the limit is accepted.
    let padded = |len: usize| {
        let dir = repo.dir(1);
        let mut bytes = dir.get("timestamp.json").to_vec();
        bytes.resize(len, b' ');
        dir.with("timestamp.json", bytes)
    };
    assert!(padded(limit)
        .verify(&state, TimePolicy::DangerSkipExpiryChecks)
        .is_ok());
    assert_eq!(
        padded(limit + 1)
            .verify(&state, TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::LimitExceeded {
            what: "TUF metadata size",
            limit
        }))
    );
}

#[test]
fn root_rotation_limit() {
    let limit = edgeverify_core::limits::MAX_TUF_ROOT_ROTATIONS as u64;
    let repo = Repo::new();
    let chain = |last: u64| {
        (2..=last).fold(repo.dir(1), |dir, v| {
            dir.with(&format!("{v}.root.json"), repo.root(v))
        })
    };
    let update = chain(1 + limit)
        .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
        .unwrap();
    assert_eq!(update.state.root_version(), 1 + limit);
    assert_eq!(
        chain(2 + limit)
            .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::LimitExceeded {
            what: "TUF root versions in one update",
            limit: limit as usize
        }))
    );
}

#[test]
fn signature_count_limit() {
    let limit = edgeverify_core::limits::MAX_TUF_SIGNATURES;
    let repo = Repo::new();
    let with_signatures = |count: usize| {
        let dir = repo.dir(1);
        let mut doc: Value = serde_json::from_slice(dir.get("targets.json")).unwrap();
        let sig = doc["signatures"][0].clone();
        doc["signatures"] = Value::Array(vec![sig; count]);
        dir.with("targets.json", serde_json::to_vec(&doc).unwrap())
    };
    assert!(with_signatures(limit)
        .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
        .is_ok());
    assert_eq!(
        with_signatures(limit + 1)
            .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::LimitExceeded {
            what: "TUF signatures",
            limit
        }))
    );
}

#[test]
fn errors_name_the_stage() {
    let after = update_2026()
        .verify(&state_2025(), in_2026())
        .unwrap()
        .state;
    let err = Dir::repository("2025-07-11")
        .verify_staged(&after, TimePolicy::DangerSkipExpiryChecks)
        .err()
        .unwrap();
    assert_eq!(err.stage(), Stage::TrustRootUpdate);
    assert_eq!(
        err.to_string(),
        "trust root update failed: timestamp version 398 is older than the trusted version 762 \
         (rollback)"
    );
    assert!(err.is_denial());
}

#[test]
fn list_limits() {
    use edgeverify_core::limits::{
        MAX_TUF_DELEGATIONS, MAX_TUF_HASHES, MAX_TUF_KEYS, MAX_TUF_OBJECT_MEMBERS,
    };
    let repo = Repo::new();
    let state = repo.state();
    let verify = |dir: Dir| dir.verify(&state, TimePolicy::DangerSkipExpiryChecks);
    let limit = |what, limit| Some(tuf(TufError::LimitExceeded { what, limit }));

    // Keys in a root: the four role keys plus unused copies (never counted).
    let root_with_keys = |count: usize| {
        let mut signed = repo.root_signed(2);
        for i in 4..count {
            signed["keys"][format!("spare{i}")] = signed["keys"]["root"].clone();
        }
        repo.dir(1)
            .with("2.root.json", sign(&signed, &[("root", &repo.root)]))
    };
    assert!(verify(root_with_keys(MAX_TUF_KEYS)).is_ok());
    assert_eq!(
        verify(root_with_keys(MAX_TUF_KEYS + 1)).err(),
        limit("TUF keys", MAX_TUF_KEYS)
    );

    // Targets listed (an object: bounded as it is parsed).
    let targets_with = |count: usize| {
        repo.dir_with(1, |signed| {
            for i in 1..count {
                signed["targets"][format!("other{i}")] =
                    json!({"length": 1, "hashes": {"sha256": "00"}});
            }
        })
    };
    assert!(verify(targets_with(MAX_TUF_OBJECT_MEMBERS)).is_ok());
    assert_eq!(
        verify(targets_with(MAX_TUF_OBJECT_MEMBERS + 1)).err(),
        limit("TUF JSON object members", MAX_TUF_OBJECT_MEMBERS)
    );

    // Hashes per file: at the limit the list is parsed (and fails on the unknown algorithms),
    // past it the file is refused as it is read.
    let hashes_with = |count: usize| {
        repo.dir_with(1, |signed| {
            let hashes = &mut signed["targets"]["trusted_root.json"]["hashes"];
            for i in 1..count {
                hashes[format!("x{i}")] = json!("00");
            }
        })
    };
    assert!(matches!(
        verify(hashes_with(MAX_TUF_HASHES)),
        Err(Error::Tuf(TufError::TargetHashMismatch { .. }))
    ));
    assert_eq!(
        verify(hashes_with(MAX_TUF_HASHES + 1)).err(),
        limit("TUF hashes per file", MAX_TUF_HASHES)
    );

    // Delegated roles.
    let delegations_with = |count: usize| {
        repo.dir_with(1, |signed| {
            let roles: Vec<Value> = (0..count)
                .map(|i| {
                    json!({"name": format!("r{i}"), "keyids": [], "threshold": 1,
                           "terminating": false, "paths": ["*"]})
                })
                .collect();
            signed["delegations"] = json!({"keys": {}, "roles": roles});
        })
    };
    assert!(verify(delegations_with(MAX_TUF_DELEGATIONS)).is_ok());
    assert_eq!(
        verify(delegations_with(MAX_TUF_DELEGATIONS + 1)).err(),
        limit("TUF delegated roles", MAX_TUF_DELEGATIONS)
    );
}

#[test]
fn size_limits_of_target_and_state() {
    use edgeverify_core::limits::{MAX_TUF_STATE_BYTES, MAX_TUF_TARGET_BYTES};
    // A target of exactly the limit is fetched; one listed one byte longer is refused
    // before anything is read.
    let repo = Repo::new().with_parts(|r| r.target = vec![b'x'; MAX_TUF_TARGET_BYTES]);
    let update = repo
        .dir(1)
        .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
        .unwrap();
    assert_eq!(update.target.len(), MAX_TUF_TARGET_BYTES);
    let repo = Repo::new().with_parts(|r| r.target = vec![b'x'; MAX_TUF_TARGET_BYTES + 1]);
    assert_eq!(
        repo.dir(1)
            .verify(&repo.state(), TimePolicy::DangerSkipExpiryChecks)
            .err(),
        Some(tuf(TufError::LimitExceeded {
            what: "TUF target size",
            limit: MAX_TUF_TARGET_BYTES
        }))
    );
    // A persisted state: trailing whitespace up to the limit is still the same state.
    let mut json = Repo::new().state().to_json();
    json.resize(MAX_TUF_STATE_BYTES, b' ');
    assert!(TufState::from_json(&json).is_ok());
    json.push(b' ');
    assert_eq!(
        TufState::from_json(&json).err(),
        Some(tuf(TufError::LimitExceeded {
            what: "TUF state size",
            limit: MAX_TUF_STATE_BYTES
        }))
    );
}
