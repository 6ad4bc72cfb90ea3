//! `edgeverify trust-root update --from DIR`: verifies Sigstore's TUF metadata carried to the
//! device against the TUF state the device keeps (core's [`verify_update`]: root chain,
//! thresholds, rollback floors, expiry, the target's length and hashes), then installs the
//! verified `trusted_root.json` and records the new state, each file replaced atomically.
//!
//! Order of the writes: the state first, then the trust root (then its CBOR form). The rollback
//! floors are therefore never behind the trust root in use: a crash between the two leaves the
//! old root with the new floors, and running the same update again completes it (versions
//! equal to the floors are accepted). The reverse order could leave a new root with old floors,
//! which an older, validly signed repository state could then roll back.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use edgeverify_core::{
    hex_encode, limits, verify_update, Error, ReadFailed, TimePolicy, TrustRoot, TufError,
    TufState, UnixTime,
};

use super::{format_time, DEFAULT_STATE_DIR, DEFAULT_TRUSTED_ROOT_PATH, STATE_FILE};
use crate::cmd::cli::{Command, Opt, Stop};
use crate::cmd::Outcome;
use crate::files::{read_bounded, read_optional, write_atomically};
use crate::gate::artifact::sha256;

/// Arguments of `edgeverify trust-root update`.
pub(super) struct UpdateArgs {
    from: PathBuf,
    trusted_root_path: PathBuf,
    cbor_path: Option<PathBuf>,
    state: PathBuf,
    tuf_root: Option<PathBuf>,
    now: Option<String>,
    trust_system_clock: bool,
    danger_skip_expiry_checks: bool,
}

/// `edgeverify trust-root update`'s command line.
pub(super) static COMMAND: Command = Command {
    name: "trust-root update",
    about: "Apply an offline trust-root update: verify the TUF metadata in --from DIR against the \
            device's TUF state, then install the verified trusted_root.json and record the state \
            (each replaced atomically). Exit 0 installed, 1 refused, 2 not applied (usage, I/O, \
            incomplete directory, unusable time).",
    options: &[&[
        Opt {
            long: "from",
            value: Some("DIR"),
            help: "The update directory: TUF metadata (`N.root.json` for each root version after \
                   the device's, `timestamp.json`, `snapshot.json` or `V.snapshot.json`, \
                   `targets.json` or `V.targets.json`) and `targets/trusted_root.json` (or \
                   `targets/HASH.trusted_root.json`).",
        },
        Opt {
            long: "trusted-root-path",
            value: Some("FILE"),
            help: "Where the verified trusted_root.json is installed (replaced atomically). \
                   [default: /etc/edgeverify/trusted_root.json]",
        },
        Opt {
            long: "cbor-path",
            value: Some("FILE"),
            help: "Also install the compact CBOR form (`trust-root compile`) at FILE, for devices \
                   that load that form.",
        },
        Opt {
            long: "state",
            value: Some("DIR"),
            help:
                "The device's TUF state directory (the trusted TUF root, rollback floors, newest \
                 verified time, verified target). Created on first use. \
                 [default: /var/lib/edgeverify/tuf]",
        },
        Opt {
            long: "tuf-root",
            value: Some("FILE"),
            help: "First update only (no state yet): start from this TUF root.json (a private \
                   Sigstore instance) instead of the embedded Sigstore TUF root v15.",
        },
        Opt {
            long: "now",
            value: Some("RFC3339"),
            help: "Check expiry against this time (RFC 3339), which the operator vouches is now.",
        },
        Opt {
            long: "trust-system-clock",
            value: None,
            help: "Check expiry against this device's clock (only if it is trustworthy: \
                   synchronised, or battery-backed and checked).",
        },
        Opt {
            long: "danger-skip-expiry-checks",
            value: None,
            help: "DANGER: check no expiry at all. A replay of any old, validly signed repository \
                   state newer than the device's is accepted (a freeze attack goes undetected). \
                   Signatures, versions, floors and hashes are still checked.",
        },
    ]],
    positionals: &[],
    trailing: false,
};

impl UpdateArgs {
    /// Parses what follows `trust-root update`.
    pub(super) fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let m = COMMAND.parse(args)?;
        m.conflict("now", &["trust-system-clock", "danger-skip-expiry-checks"])?;
        m.conflict("trust-system-clock", &["danger-skip-expiry-checks"])?;
        Ok(Self {
            from: m.required_path("from")?,
            trusted_root_path: m
                .path("trusted-root-path")
                .unwrap_or_else(|| PathBuf::from(DEFAULT_TRUSTED_ROOT_PATH)),
            cbor_path: m.path("cbor-path"),
            state: m
                .path("state")
                .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_DIR)),
            tuf_root: m.path("tuf-root"),
            now: m.string("now")?,
            trust_system_clock: m.switch("trust-system-clock"),
            danger_skip_expiry_checks: m.switch("danger-skip-expiry-checks"),
        })
    }
}

/// Runs the update; `Ok` is the report for stdout.
pub(super) fn run(args: &UpdateArgs) -> Result<String, (Outcome, String)> {
    let usage = |m: String| (Outcome::Unusable, m);
    let (time, time_said) = time_policy(args).map_err(usage)?;
    if args.danger_skip_expiry_checks {
        eprintln!(
            "edgeverify: WARNING: --danger-skip-expiry-checks: metadata expiry is NOT checked; \
             an old, validly signed repository state would be accepted (freeze attack)"
        );
    }
    let state_file = args.state.join(STATE_FILE);
    let (state, state_said) = load_state(&state_file, args.tuf_root.as_deref()).map_err(usage)?;

    // Reads of the update directory; the first I/O error is kept for the message.
    let mut read_error: Option<String> = None;
    let dir = &args.from;
    if !dir.is_dir() {
        return Err(usage(format!("{} is not a directory", dir.display())));
    }
    let mut source = |name: &str, max_len: usize| -> Result<Option<Vec<u8>>, ReadFailed> {
        let path = dir.join(name);
        read_optional(&path, max_len).map_err(|e| {
            read_error.get_or_insert(format!("{}: {e}", path.display()));
            ReadFailed
        })
    };
    let updated = verify_update(&state, &mut source, time).map_err(|e| {
        let outcome = Outcome::of_failure(&e);
        let verdict = if outcome == Outcome::Rejected {
            "REFUSED"
        } else {
            "not applied"
        };
        let cause = read_error
            .as_deref()
            .map_or(String::new(), |r| format!(" ({r})"));
        let hint = match e.cause() {
            Error::Tuf(TufError::NoVerifiedTime | TufError::Expired { .. }) => {
                " (expiry: give the time with --now or --trust-system-clock; see `trust-root \
                 update --help`)"
            }
            _ => "",
        };
        (
            outcome,
            format!(
                "{verdict}: update in {} does not verify against {state_said}: {e}{cause}{hint}; \
                 nothing was changed",
                dir.display()
            ),
        )
    })?;
    let (target, new_state) = updated.into_parts();

    // TUF vouches for the bytes; they must also be a trust root this verifier can load.
    let root = TrustRoot::from_json(&target).map_err(|e| {
        (
            Outcome::Rejected,
            format!(
                "REFUSED: the verified trusted_root.json cannot be loaded: {e}; nothing was \
                 changed"
            ),
        )
    })?;
    let cbor = args.cbor_path.as_ref().map(|_| root.to_cbor());

    let previous = read_optional(&args.trusted_root_path, limits::MAX_TRUST_ROOT_BYTES)
        .ok()
        .flatten()
        .map(|b| hex_encode(&sha256(&b)));

    // Every destination is checked before anything is written, so a wrong path cannot leave
    // the state advanced and the root not installed.
    for path in std::iter::once(&args.trusted_root_path).chain(args.cbor_path.as_ref()) {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(usage(format!(
                "cannot install {}: {} is not a directory; nothing was changed",
                path.display(),
                dir.display()
            )));
        }
    }
    if args.cbor_path.as_ref() == Some(&args.trusted_root_path) {
        return Err(usage(
            "--cbor-path must differ from --trusted-root-path; nothing was changed".into(),
        ));
    }
    std::fs::create_dir_all(&args.state)
        .map_err(|e| usage(format!("cannot create {}: {e}", args.state.display())))?;
    let io = |what: &Path, e: std::io::Error| {
        usage(format!(
            "cannot write {}: {e} (rerun the same update to complete it)",
            what.display()
        ))
    };
    write_atomically(&state_file, &new_state.to_json(), "tuf-state")
        .map_err(|e| io(&state_file, e))?;
    write_atomically(&args.trusted_root_path, &target, "trusted-root")
        .map_err(|e| io(&args.trusted_root_path, e))?;
    if let (Some(path), Some(cbor)) = (&args.cbor_path, &cbor) {
        write_atomically(path, cbor, "trusted-root-cbor").map_err(|e| io(path, e))?;
    }

    let sha = hex_encode(&sha256(&target));
    let mut report = format!(
        "verified {} against {state_said}: TUF root v{} (expires {}), timestamp v{}, snapshot \
         v{}, targets v{}; expiry checked {time_said}\n",
        dir.display(),
        new_state.root_version(),
        format_time(new_state.root_expires()),
        new_state.timestamp_version(),
        new_state.snapshot_version(),
        new_state.targets_version(),
    );
    report += &format!(
        "installed {} ({} bytes, sha256 {sha}{})\n",
        args.trusted_root_path.display(),
        target.len(),
        match previous {
            Some(p) if p == sha => "; unchanged".to_string(),
            Some(p) => format!("; was sha256 {p}"),
            None => "; new file".to_string(),
        }
    );
    if let (Some(path), Some(cbor)) = (&args.cbor_path, &cbor) {
        report += &format!(
            "installed {} (compact CBOR form, {} bytes, sha256 {})\n",
            path.display(),
            cbor.len(),
            hex_encode(&sha256(cbor))
        );
    }
    report += &format!(
        "recorded the TUF state in {}\n\
         A policy that pins [trust_root] sha256 must now pin the new digest; a running `serve` \
         loads the new root on SIGHUP (systemctl reload edgeverify).",
        state_file.display()
    );
    Ok(report)
}

/// The time policy the flags ask for, and how the report says it.
fn time_policy(args: &UpdateArgs) -> Result<(TimePolicy, String), String> {
    if args.danger_skip_expiry_checks {
        return Ok((
            TimePolicy::DangerSkipExpiryChecks,
            "NOWHERE (--danger-skip-expiry-checks)".into(),
        ));
    }
    if let Some(text) = &args.now {
        let t = UnixTime::parse_rfc3339(text)
            .ok_or_else(|| format!("--now {text:?} is not an RFC 3339 time"))?;
        return Ok((
            TimePolicy::TrustedNow(t),
            format!("against {} (--now)", format_time(t)),
        ));
    }
    if args.trust_system_clock {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| "the system clock is before 1970".to_string())?
            .as_millis();
        let t = UnixTime::from_millis(u64::try_from(ms).unwrap_or(u64::MAX));
        return Ok((
            TimePolicy::TrustedNow(t),
            format!("against the system clock, {}", format_time(t)),
        ));
    }
    Ok((
        TimePolicy::NewestVerifiedTime,
        "against the newest time this device has verified (no trusted clock given)".into(),
    ))
}

/// The device's TUF state: the persisted one, else the root given with `--tuf-root`, else the
/// embedded Sigstore TUF root. Also how messages name it.
fn load_state(state_file: &Path, tuf_root: Option<&Path>) -> Result<(TufState, String), String> {
    let persisted = read_optional(state_file, limits::MAX_TUF_STATE_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", state_file.display()))?;
    match (persisted, tuf_root) {
        (Some(bytes), None) => {
            let state = TufState::from_json(&bytes)
                .map_err(|e| format!("TUF state {}: {e}", state_file.display()))?;
            let said = format!(
                "the device's TUF state (root v{}, targets v{})",
                state.root_version(),
                state.targets_version()
            );
            Ok((state, said))
        }
        (Some(_), Some(root)) => Err(format!(
            "--tuf-root {} is for a device without TUF state, but {} exists: the device \
             already trusts a TUF root",
            root.display(),
            state_file.display()
        )),
        (None, Some(root)) => {
            let bytes = read_bounded(root, limits::MAX_TUF_STATE_BYTES)?;
            let state = TufState::from_trusted_root(&bytes)
                .map_err(|e| format!("--tuf-root {}: {e}", root.display()))?;
            let said = format!(
                "the TUF root {} (v{}, given with --tuf-root)",
                root.display(),
                state.root_version()
            );
            Ok((state, said))
        }
        (None, None) => {
            let state = TufState::embedded_sigstore_production().map_err(|e| e.to_string())?;
            let said = format!(
                "the embedded Sigstore TUF root (v{}; no state in {} yet)",
                state.root_version(),
                state_file.display()
            );
            Ok((state, said))
        }
    }
}
