//! `edgeverify trust-root update` and `show` on Sigstore's real TUF repository
//! (`core/tests/data/tuf`, see its NOTICE): the real update root v13 → v15 (targets v14, the
//! trusted root that gains the first Rekor v2 log), every tamper refused with the device's
//! files left byte for byte as they were, each time policy, and a kill at every step of the
//! install leaving the old files or the new ones, never a mix.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::fs;
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{edgeverify_command, stderr, stdout, TempDir};
use edgeverify_core::{hex_encode, TrustRoot, TufState, UnixTime, EMBEDDED_PRODUCTION_SHA256};
use serde_json::{json, Value};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/tuf/sigstore-production")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    fs::read(data(rel)).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex_encode(
        edgeverify_core::HashAlgorithm::Sha256
            .digest(bytes)
            .as_bytes(),
    )
}

fn time(text: &str) -> UnixTime {
    UnixTime::parse_rfc3339(text).unwrap()
}

/// Between the 2026-08-21 timestamp's signing and its expiry (2026-08-28T19:25:56Z).
const IN_2026: &str = "2026-08-22T00:00:00Z";

/// A device with the 2025 trust: TUF state at root v13 (the 2025-07-11 repository's floors:
/// timestamp v398, snapshot v159, targets v11, verified time 2025-07-10) and the 2025
/// trusted_root.json installed, plus an update directory with the 2026-08-21 repository and
/// root versions 14 and 15, laid out as a TUF client's cache has it.
struct Device {
    dir: TempDir,
}

impl Device {
    fn new(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        let d = Self { dir };
        fs::create_dir_all(d.state_dir()).unwrap();
        fs::write(d.state_file(), state_2025(|_| {})).unwrap();
        fs::write(d.root_file(), read("2025-07-11/targets/trusted_root.json")).unwrap();
        let update = d.update_dir();
        fs::create_dir_all(update.join("targets")).unwrap();
        for role in ["root", "timestamp", "snapshot", "targets"] {
            fs::copy(
                data(&format!("2026-08-21/metadata/{role}.json")),
                update.join(format!("{role}.json")),
            )
            .unwrap();
        }
        for n in [14, 15] {
            fs::copy(
                data(&format!("root_history/{n}.root.json")),
                update.join(format!("{n}.root.json")),
            )
            .unwrap();
        }
        fs::copy(
            data("2026-08-21/targets/trusted_root.json"),
            update.join("targets/trusted_root.json"),
        )
        .unwrap();
        d
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn state_dir(&self) -> PathBuf {
        self.path().join("state")
    }
    fn state_file(&self) -> PathBuf {
        self.state_dir().join("tuf-state.json")
    }
    fn root_file(&self) -> PathBuf {
        self.path().join("trusted_root.json")
    }
    fn cbor_file(&self) -> PathBuf {
        self.path().join("trusted_root.cbor")
    }
    fn update_dir(&self) -> PathBuf {
        self.path().join("update")
    }

    /// Rewrites the JSON file `name` of the update directory.
    fn edit(&self, name: &str, change: impl FnOnce(&mut Value)) {
        let path = self.update_dir().join(name);
        let mut v: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        change(&mut v);
        fs::write(path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    }

    /// `trust-root update --from UPDATE --state STATE --trusted-root-path ROOT` and `extra`.
    fn update(&self, extra: &[&str], env: Option<(&str, &str)>) -> Output {
        let mut cmd = edgeverify_command();
        cmd.args(["trust-root", "update", "--from"])
            .arg(self.update_dir())
            .arg("--state")
            .arg(self.state_dir())
            .arg("--trusted-root-path")
            .arg(self.root_file())
            .args(extra);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    /// Every file the device keeps, by name (temporary files included, so a leftover shows).
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for dir in [self.path().to_path_buf(), self.state_dir()] {
            for entry in fs::read_dir(&dir).unwrap() {
                let entry = entry.unwrap();
                if entry.file_type().unwrap().is_file() {
                    files.push((
                        entry.path().display().to_string(),
                        fs::read(entry.path()).unwrap(),
                    ));
                }
            }
        }
        files.sort();
        files
    }

    fn state(&self) -> TufState {
        TufState::from_json(&fs::read(self.state_file()).unwrap()).unwrap()
    }
}

/// The persisted state at root v13 with the 2025 floors, `change`d.
fn state_2025(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let root13 = TufState::from_trusted_root(&read("2025-07-11/metadata/root.json")).unwrap();
    let mut v: Value = serde_json::from_slice(&root13.to_json()).unwrap();
    v["timestamp_version"] = json!(398);
    v["snapshot_version"] = json!(159);
    v["targets_version"] = json!(11);
    v["newest_verified_time_ms"] = json!(time("2025-07-10T12:00:00Z").as_millis());
    change(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

#[test]
fn real_update_v13_to_v15_installs_the_new_root_and_state() {
    let device = Device::new("tuf-real");
    let old_root = fs::read(device.root_file()).unwrap();
    let o = device.update(&["--now", IN_2026, "--cbor-path"], None);
    // `--cbor-path` needs its value: a usage error, nothing changed.
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(fs::read(device.root_file()).unwrap() == old_root);

    let cbor = device.cbor_file();
    let o = device.update(
        &["--now", IN_2026, "--cbor-path", cbor.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let new_root = fs::read(device.root_file()).unwrap();
    assert!(new_root == read("2026-08-21/targets/trusted_root.json"));
    assert_eq!(sha256_hex(&new_root), EMBEDDED_PRODUCTION_SHA256);
    let out = stdout(&o);
    assert!(
        out.contains(&format!("sha256 {EMBEDDED_PRODUCTION_SHA256}"))
            && out.contains(&format!("was sha256 {}", sha256_hex(&old_root)))
            && out.contains("TUF root v15")
            && out.contains("targets v14"),
        "{out}"
    );
    // The CBOR form is the compiled new root, with its own digest printed.
    let cbor_bytes = fs::read(&cbor).unwrap();
    let from_cbor = TrustRoot::from_cbor(&cbor_bytes).unwrap();
    assert_eq!(
        from_cbor.to_cbor(),
        TrustRoot::from_json(&new_root).unwrap().to_cbor()
    );
    assert!(out.contains(&sha256_hex(&cbor_bytes)), "{out}");

    // Readable by the daemon's user, whatever the umask of the shell that ran the update.
    for file in [device.root_file(), cbor.clone(), device.state_file()] {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", file.display());
    }

    // The state: root v15, the 2026 floors, the time, and the installed target's digest.
    let state = device.state();
    assert_eq!(
        (
            state.root_version(),
            state.timestamp_version(),
            state.snapshot_version(),
            state.targets_version()
        ),
        (15, 762, 165, 14)
    );
    assert_eq!(state.newest_verified_time(), Some(time(IN_2026)));
    assert!(state.verified_target().unwrap().matches(&new_root));

    // A policy pinning the installed file by the printed digest loads it; one still pinning
    // the old root's digest is refused (the operator moves the pin with the update).
    let policy_check = |pin: &str| {
        let policy = device.path().join("policy.toml");
        fs::write(
            &policy,
            format!(
                "[trust_root]\npath = \"{}\"\nsha256 = \"{pin}\"\n\n{}",
                device.root_file().display(),
                common::identity_rule("a", "/opt/a/*")
            ),
        )
        .unwrap();
        edgeverify_command()
            .args(["policy", "check"])
            .arg(&policy)
            .output()
            .unwrap()
    };
    let check = policy_check(EMBEDDED_PRODUCTION_SHA256);
    assert_eq!(code(&check), Some(0), "{}", stderr(&check));
    let check = policy_check(&sha256_hex(&old_root));
    assert_eq!(code(&check), Some(2), "{}", stdout(&check));
    assert!(
        stderr(&check).contains("but the policy pins"),
        "{}",
        stderr(&check)
    );

    // The same update again changes nothing and succeeds (a retry after a crash).
    let files = device.snapshot();
    let o = device.update(
        &["--now", IN_2026, "--cbor-path", cbor.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("unchanged"), "{}", stdout(&o));
    assert!(device.snapshot() == files, "files changed");

    // `show` says the file is what the TUF update installed.
    let show = edgeverify_command()
        .args(["trust-root", "show", "--json", "--state"])
        .arg(device.state_dir())
        .arg(device.root_file())
        .output()
        .unwrap();
    assert_eq!(code(&show), Some(0), "{}", stderr(&show));
    let v: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["origin"], "tuf");
    assert_eq!(v["sha256"], EMBEDDED_PRODUCTION_SHA256);
    assert_eq!(v["tuf"]["root_version"], 15);
    assert_eq!(v["tuf"]["targets_version"], 14);
    let kinds: Vec<&str> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["tlog", "tlog", "ca", "ca", "ctlog", "ctlog", "tsa"],
        "{v}"
    );
    // The Rekor v2 log this update brought, with its window.
    let rekor_v2 = &v["services"][1];
    assert_eq!(rekor_v2["url_authority"], "log2025-1.rekor.sigstore.dev");
    assert_eq!(rekor_v2["valid_from"], "2025-09-23T00:00:00Z");
    assert_eq!(rekor_v2["valid_until"], Value::Null);
}

/// Each tamper of the update directory or the device's state, what it must say, and the exit
/// code: 1 for a refusal, 2 for an update that decides nothing (a file missing).
#[test]
fn tampered_updates_are_refused_and_change_nothing() {
    type Tamper = fn(&Device);
    let cases: &[(&str, Tamper, i32, &str)] = &[
        (
            "root v15 signed by 2 of its 3-of-5 root keys",
            |d| {
                d.edit("15.root.json", |v| {
                    let keyids: Vec<Value> = v["signed"]["roles"]["root"]["keyids"]
                        .as_array()
                        .unwrap()
                        .clone();
                    let sigs = v["signatures"].as_array_mut().unwrap();
                    sigs.retain(|s| {
                        keyids.contains(&s["keyid"]) && !s["sig"].as_str().unwrap().is_empty()
                    });
                    sigs.truncate(2);
                })
            },
            1,
            "signed by 2 of the trusted root's keys, 3 required",
        ),
        (
            "root v14 missing (v13 → v15)",
            |d| fs::remove_file(d.update_dir().join("14.root.json")).unwrap(),
            1,
            "root version 15 offered where version 14 must come next",
        ),
        (
            "root v15 offered as v14",
            |d| {
                fs::copy(
                    d.update_dir().join("15.root.json"),
                    d.update_dir().join("14.root.json"),
                )
                .map(drop)
                .unwrap()
            },
            1,
            "root version 15 offered where version 14 must come next",
        ),
        (
            "targets below the persisted floor",
            |d| {
                fs::write(
                    d.state_file(),
                    state_2025(|v| v["targets_version"] = json!(15)),
                )
                .unwrap()
            },
            1,
            "targets version 14 is older than the trusted version 15 (rollback)",
        ),
        (
            "snapshot below the persisted floor",
            |d| {
                fs::write(
                    d.state_file(),
                    state_2025(|v| v["snapshot_version"] = json!(166)),
                )
                .unwrap()
            },
            1,
            "snapshot version 165 is older than the trusted version 166 (rollback)",
        ),
        (
            "target one byte off",
            |d| {
                let p = d.update_dir().join("targets/trusted_root.json");
                let mut b = fs::read(&p).unwrap();
                b[100] ^= 1;
                fs::write(p, b).unwrap();
            },
            1,
            "target trusted_root.json does not match its signed sha256 hash",
        ),
        (
            "target one byte longer",
            |d| {
                let p = d.update_dir().join("targets/trusted_root.json");
                let mut b = fs::read(&p).unwrap();
                b.push(b'\n');
                fs::write(p, b).unwrap();
            },
            1,
            "target trusted_root.json is 6788 bytes, 6787 are signed for it",
        ),
        (
            "target missing",
            |d| fs::remove_file(d.update_dir().join("targets/trusted_root.json")).unwrap(),
            2,
            "targets/trusted_root.json is missing from the update",
        ),
        (
            "snapshot of 2025 with the 2026 timestamp (mixed dates)",
            |d| {
                fs::copy(
                    data("2025-07-11/metadata/snapshot.json"),
                    d.update_dir().join("snapshot.json"),
                )
                .map(drop)
                .unwrap()
            },
            1,
            "snapshot metadata is version 159, version 165 is named for it",
        ),
        (
            "targets of 2025 with the 2026 snapshot (mixed dates)",
            |d| {
                fs::copy(
                    data("2025-07-11/metadata/targets.json"),
                    d.update_dir().join("targets.json"),
                )
                .map(drop)
                .unwrap()
            },
            1,
            "targets metadata is version 12, version 14 is named for it",
        ),
        (
            "trusted root of 2025 under the 2026 targets (mixed dates)",
            |d| {
                fs::copy(
                    data("2025-07-11/targets/trusted_root.json"),
                    d.update_dir().join("targets/trusted_root.json"),
                )
                .map(drop)
                .unwrap()
            },
            1,
            "target trusted_root.json is 6367 bytes, 6787 are signed for it",
        ),
    ];
    for (what, tamper, exit, says) in cases {
        let device = Device::new("tuf-tamper");
        tamper(&device);
        let before = device.snapshot();
        let o = device.update(&["--now", IN_2026], None);
        let err = stderr(&o);
        assert_eq!(code(&o), Some(*exit), "{what}: {err}");
        assert!(
            err.contains(says) && err.contains("nothing was changed"),
            "{what}: {err}"
        );
        assert!(stdout(&o).is_empty(), "{what}");
        assert!(device.snapshot() == before, "{what}: files changed");
    }
}

/// Expiry under each time policy. The 2026-08-21 timestamp expires 2026-08-28T19:25:56Z.
#[test]
fn time_policies() {
    // --now: before the expiry installs, after it refuses (a freeze).
    let device = Device::new("tuf-now");
    let before = device.snapshot();
    let o = device.update(&["--now", "2026-08-29T00:00:00Z"], None);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("expired"), "{}", stderr(&o));
    assert!(device.snapshot() == before, "files changed");
    // --now earlier than a time the device has verified: the clock is behind, nothing decided.
    fs::write(
        device.state_file(),
        state_2025(|v| v["newest_verified_time_ms"] = json!(time(IN_2026).as_millis() + 1)),
    )
    .unwrap();
    let before = device.snapshot();
    let o = device.update(&["--now", IN_2026], None);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(device.snapshot() == before, "files changed");
    let o = device.update(&["--now", "not a time"], None);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("RFC 3339"), "{}", stderr(&o));

    // The default: the newest verified time. 2025-07-10 in the state: the 2026 metadata has
    // not expired then, so the update installs (and the time is not advanced by it).
    let device = Device::new("tuf-newest");
    let o = device.update(&[], None);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("newest time this device has verified"));
    assert_eq!(
        device.state().newest_verified_time(),
        Some(time("2025-07-10T12:00:00Z"))
    );
    // A device that has verified a time past the timestamp's expiry refuses it.
    let device = Device::new("tuf-newest-late");
    fs::write(
        device.state_file(),
        state_2025(|v| {
            v["newest_verified_time_ms"] = json!(time("2026-09-01T00:00:00Z").as_millis());
        }),
    )
    .unwrap();
    let before = device.snapshot();
    let o = device.update(&[], None);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--now"), "hint: {}", stderr(&o));
    assert!(device.snapshot() == before, "files changed");
    // A state with no verified time and no clock given: nothing decided, and the hint.
    fs::write(
        device.state_file(),
        state_2025(|v| v["newest_verified_time_ms"] = Value::Null),
    )
    .unwrap();
    let o = device.update(&[], None);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--trust-system-clock"),
        "{}",
        stderr(&o)
    );

    // --danger-skip-expiry-checks installs the expired metadata, loudly; everything else is
    // still checked.
    let o = device.update(&["--danger-skip-expiry-checks"], None);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("WARNING") && stderr(&o).contains("freeze"));
    assert!(stdout(&o).contains("NOWHERE"), "{}", stdout(&o));
    let device = Device::new("tuf-danger-tamper");
    device.edit("targets.json", |v| v["signatures"] = json!([]));
    let o = device.update(&["--danger-skip-expiry-checks"], None);
    assert_eq!(code(&o), Some(1), "{}", stderr(&o));
    // Conflicting time flags are a usage error.
    let o = device.update(&["--danger-skip-expiry-checks", "--now", IN_2026], None);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));

    // --trust-system-clock: the test machine's clock is after the 2026 timestamp's expiry
    // (this file's data is from 2026-08-21), so the update is refused as expired; a clock
    // before the state's verified time would be refused too (exit 2).
    let device = Device::new("tuf-clock");
    let before = device.snapshot();
    let o = device.update(&["--trust-system-clock"], None);
    assert_ne!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("system clock") || stderr(&o).contains("expired"));
    assert!(device.snapshot() == before, "files changed");
}

#[test]
fn first_update_from_the_embedded_root_or_a_given_one() {
    // No state: the embedded TUF root v15 and its floors; the 2026 repository installs.
    let device = Device::new("tuf-first");
    fs::remove_file(device.state_file()).unwrap();
    let o = device.update(&["--now", IN_2026], None);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("embedded Sigstore TUF root (v15"));
    assert_eq!(device.state().root_version(), 15);

    // --tuf-root with state already there: refused before anything is read.
    let v13 = data("2025-07-11/metadata/root.json");
    let before = device.snapshot();
    let o = device.update(
        &["--now", IN_2026, "--tuf-root", v13.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("already trusts a TUF root"));
    assert!(device.snapshot() == before, "files changed");

    // A destination that cannot be written is refused before anything is: the state too
    // stays as it was.
    let nowhere = device.path().join("no-such-dir/trusted_root.json");
    let o = device.update(
        &["--now", IN_2026, "--cbor-path", nowhere.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));
    assert!(device.snapshot() == before, "files changed");
    let same = device.root_file();
    let o = device.update(
        &["--now", IN_2026, "--cbor-path", same.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(device.snapshot() == before, "files changed");

    // --tuf-root on a fresh device: the chain from v13 (no floors) reaches v15.
    let device = Device::new("tuf-given");
    fs::remove_file(device.state_file()).unwrap();
    let o = device.update(
        &["--now", IN_2026, "--tuf-root", v13.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("given with --tuf-root"));
    assert_eq!(device.state().root_version(), 15);
    // A root that does not sign itself is not a starting point.
    let device = Device::new("tuf-given-bad");
    fs::remove_file(device.state_file()).unwrap();
    let bad = device.path().join("bad-root.json");
    let mut v: Value = serde_json::from_slice(&fs::read(&v13).unwrap()).unwrap();
    v["signatures"] = json!([]);
    fs::write(&bad, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = device.update(
        &["--now", IN_2026, "--tuf-root", bad.to_str().unwrap()],
        None,
    );
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(!device.state_file().exists());
}

/// A kill at each step of the install: the trust root (and its CBOR form, and the state) is
/// the old file or the new one, whole; the same update run again completes it.
#[test]
fn a_kill_at_any_step_leaves_old_or_new_never_a_mix() {
    let new_root = read("2026-08-21/targets/trusted_root.json");
    let new_cbor = TrustRoot::from_json(&new_root).unwrap().to_cbor();
    let old_root = read("2025-07-11/targets/trusted_root.json");
    let old_cbor = TrustRoot::from_json(&old_root).unwrap().to_cbor();
    // Writes in order: state, trusted root, CBOR form.
    let steps = ["tuf-state", "trusted-root", "trusted-root-cbor"];
    let points = ["half-written", "written", "renamed"];
    for (s, step) in steps.iter().enumerate() {
        for point in points {
            let device = Device::new("tuf-crash");
            fs::write(device.cbor_file(), &old_cbor).unwrap();
            let old_state = fs::read(device.state_file()).unwrap();
            let cbor = device.cbor_file();
            let args = ["--now", IN_2026, "--cbor-path", cbor.to_str().unwrap()];
            let at = format!("{step}:{point}");
            let o = device.update(&args, Some(("EDGEVERIFY_TEST_CRASH_AT", &at)));
            assert_eq!(
                o.status.signal(),
                Some(libc::SIGABRT),
                "{at}: {}",
                stderr(&o)
            );
            // Which files have been replaced by then.
            let done = |i: usize| i < s || (i == s && point == "renamed");
            let root = fs::read(device.root_file()).unwrap();
            let cbor_now = fs::read(&cbor).unwrap();
            let state = fs::read(device.state_file()).unwrap();
            assert_eq!(root == new_root, done(1), "{at}: trusted root");
            assert!(root == new_root || root == old_root, "{at}: a mix");
            assert_eq!(cbor_now == new_cbor, done(2), "{at}: CBOR");
            assert!(cbor_now == new_cbor || cbor_now == old_cbor, "{at}: a mix");
            assert_eq!(state != old_state, done(0), "{at}: state");
            assert!(
                TufState::from_json(&state).is_ok(),
                "{at}: state unreadable"
            );
            // The device still loads a whole root, and a retry completes the update.
            assert!(TrustRoot::from_bytes(&root).is_ok());
            let o = device.update(&args, None);
            assert_eq!(code(&o), Some(0), "{at}: retry: {}", stderr(&o));
            assert!(fs::read(device.root_file()).unwrap() == new_root, "{at}");
            assert!(fs::read(&cbor).unwrap() == new_cbor, "{at}");
            assert_eq!(device.state().root_version(), 15, "{at}");
            // No temporary file is left behind by the retry.
            let leftovers: Vec<String> = device
                .snapshot()
                .into_iter()
                .map(|(name, _)| name)
                .filter(|n| n.contains(".tmp"))
                .collect();
            assert!(leftovers.is_empty(), "{at}: {leftovers:?}");
        }
    }
}

#[test]
fn show_prints_every_service_and_where_the_root_came_from() {
    let o = edgeverify_command()
        .args([
            "trust-root",
            "show",
            "--state",
            "/nonexistent-edgeverify-state",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("trust root: embedded"), "{text}");
    assert!(text.contains(EMBEDDED_PRODUCTION_SHA256));
    assert!(text.contains("log2025-1.rekor.sigstore.dev"));
    assert!(text.contains("TUF state: none"));
    for kind in ["tlog ", "ca ", "ctlog", "tsa "] {
        assert!(text.contains(&format!("  {kind}")), "{kind}: {text}");
    }

    // A file that is not what the TUF state verified is shown as a plain file.
    let device = Device::new("tuf-show");
    let o = edgeverify_command()
        .args(["trust-root", "show", "--json", "--state"])
        .arg(device.state_dir())
        .arg(device.root_file())
        .output()
        .unwrap();
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["origin"], "file");
    assert_eq!(v["form"], "json");
    assert_eq!(
        v["sha256"],
        sha256_hex(&read("2025-07-11/targets/trusted_root.json"))
    );
    assert_eq!(v["tuf"]["root_version"], 13);

    // Not a trust root: exit 2.
    let o = edgeverify_command()
        .args(["trust-root", "show", "--state"])
        .arg(device.state_dir())
        .arg(device.state_file())
        .output()
        .unwrap();
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
}

/// The daemon runs as another user and must read the installed root: files are 0644 even when
/// the update runs under a umask of 077.
#[test]
fn installed_files_are_readable_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt as _;
    let device = Device::new("tuf-umask");
    let base = edgeverify_command();
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "umask 077; exec \"$@\"", "sh"])
        .arg(base.get_program())
        .args(base.get_args())
        .args(["trust-root", "update", "--now", IN_2026, "--from"])
        .arg(device.update_dir())
        .arg("--state")
        .arg(device.state_dir())
        .arg("--trusted-root-path")
        .arg(device.root_file());
    let o = cmd.output().unwrap();
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    for file in [device.root_file(), device.state_file()] {
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "{}", file.display());
    }
}
