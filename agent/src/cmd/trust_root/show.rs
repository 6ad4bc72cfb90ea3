//! `edgeverify trust-root show [FILE]`: what a trust root makes the device trust — each
//! transparency log, certificate authority, CT log and timestamping authority with its
//! validity window — where it came from (embedded, a file, a TUF update), and its SHA-256.

use std::ffi::OsString;
use std::path::PathBuf;

use edgeverify_core::{hex_encode, limits, ServiceKind, TrustRoot, TufState};
use serde_json::{json, Value};

use super::{format_time, DEFAULT_STATE_DIR, STATE_FILE};
use crate::cmd::cli::{Command, Opt, Positional, Stop};
use crate::cmd::Outcome;
use crate::files::{read_bounded, read_optional};

/// Arguments of `edgeverify trust-root show`.
pub(super) struct ShowArgs {
    file: Option<PathBuf>,
    state: PathBuf,
    json: bool,
}

/// `edgeverify trust-root show`'s command line.
pub(super) static COMMAND: Command = Command {
    name: "trust-root show",
    about: "Print what a trust root trusts (logs, CAs, CT logs, TSAs with validity windows), \
            where it came from and its SHA-256; without FILE, the embedded one.",
    options: &[&[
        Opt {
            long: "state",
            value: Some("DIR"),
            help: "The TUF state directory `trust-root update` keeps: tells whether FILE is the \
                   target the last update verified. [default: /var/lib/edgeverify/tuf]",
        },
        Opt {
            long: "json",
            value: None,
            help: "Print JSON instead of text.",
        },
    ]],
    positionals: &[Positional::optional(
        "FILE",
        "The trust root to show (trusted_root.json or its compact CBOR form); without it, \
         the one embedded in edgeverify.",
    )],
    trailing: false,
};

impl ShowArgs {
    /// Parses what follows `trust-root show`.
    pub(super) fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        Ok(Self {
            file: m.positionals().pop().map(PathBuf::from),
            state: m
                .path("state")
                .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE_DIR)),
            json: m.switch("json"),
        })
    }
}

/// Runs `show`; `Ok` is what to print.
pub(super) fn run(args: &ShowArgs) -> Result<String, (Outcome, String)> {
    let usage = |m: String| (Outcome::Unusable, m);
    let (root, bytes, path) = match &args.file {
        None => (
            TrustRoot::embedded_production().map_err(|e| usage(e.to_string()))?,
            None,
            None,
        ),
        Some(p) => {
            let bytes = read_bounded(p, limits::MAX_TRUST_ROOT_BYTES).map_err(usage)?;
            let root = TrustRoot::from_bytes(&bytes)
                .map_err(|e| usage(format!("{}: {e}", p.display())))?;
            (root, Some(bytes), Some(p.display().to_string()))
        }
    };
    let state_file = args.state.join(STATE_FILE);
    let state = match read_optional(&state_file, limits::MAX_TUF_STATE_BYTES) {
        Ok(None) => None,
        Ok(Some(b)) => Some(
            TufState::from_json(&b)
                .map_err(|e| usage(format!("TUF state {}: {e}", state_file.display())))?,
        ),
        Err(e) => return Err(usage(format!("cannot read {}: {e}", state_file.display()))),
    };
    // Where the root came from: a file is "tuf" when it is exactly the target the device's
    // last verified update installed.
    let verified_by_tuf = match (&bytes, &state) {
        (Some(b), Some(s)) => s.verified_target().is_some_and(|t| t.matches(b)),
        _ => false,
    };
    let origin = match (&path, verified_by_tuf) {
        (None, _) => "embedded",
        (Some(_), true) => "tuf",
        (Some(_), false) => "file",
    };
    let form = match &bytes {
        Some(b) if b.first() != Some(&b'{') && TrustRoot::from_cbor(b).is_ok() => "cbor",
        _ => "json",
    };
    let services: Vec<Value> = root
        .services()
        .iter()
        .map(|s| {
            json!({
                "kind": kind_name(s.kind),
                "url_authority": (!s.url_authority.is_empty()).then_some(s.url_authority),
                "id": hex_encode(&s.id),
                "key_supported": s.key_supported,
                "certificates": (s.chain_len > 0).then_some(s.chain_len),
                "valid_from": format_time(s.valid_for.start),
                "valid_until": s.valid_for.end.map(format_time),
            })
        })
        .collect();
    let tuf = state.as_ref().map(|s| {
        json!({
            "state": state_file.display().to_string(),
            "root_version": s.root_version(),
            "root_expires": format_time(s.root_expires()),
            "timestamp_version": s.timestamp_version(),
            "snapshot_version": s.snapshot_version(),
            "targets_version": s.targets_version(),
            "newest_verified_time": s.newest_verified_time().map(format_time),
            "verified_target_sha256": s.verified_target().map(|t| hex_encode(t.sha256())),
        })
    });
    let doc = json!({
        "origin": origin,
        "path": path,
        "form": form,
        "sha256": hex_encode(root.source_sha256()),
        "tuf": tuf,
        "services": services,
    });
    if args.json {
        return serde_json::to_string_pretty(&doc).map_err(|e| usage(e.to_string()));
    }
    Ok(text(
        &doc,
        &root,
        state.as_ref(),
        &state_file.display().to_string(),
    ))
}

fn kind_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::TransparencyLog => "tlog",
        ServiceKind::CertificateAuthority => "ca",
        ServiceKind::CtLog => "ctlog",
        ServiceKind::TimestampAuthority => "tsa",
        _ => "other",
    }
}

fn text(doc: &Value, root: &TrustRoot, state: Option<&TufState>, state_file: &str) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out = match doc["origin"].as_str() {
        Some("embedded") => "trust root: embedded in edgeverify (Sigstore public good)".to_string(),
        Some("tuf") => format!(
            "trust root: {} ({}), installed by a verified TUF update (targets v{})",
            s(&doc["path"]),
            s(&doc["form"]),
            state.map_or(0, TufState::targets_version)
        ),
        _ => format!(
            "trust root: {} ({}), not the target of this device's last TUF update",
            s(&doc["path"]),
            s(&doc["form"])
        ),
    };
    out += &format!("\nsha256: {}\n", s(&doc["sha256"]));
    for service in root.services() {
        let window = format!(
            "{} .. {}",
            format_time(service.valid_for.start),
            service.valid_for.end.map_or("(open)".into(), format_time)
        );
        let name = match service.kind {
            ServiceKind::TransparencyLog | ServiceKind::CtLog => format!(
                "{} {}{}",
                service.url_authority,
                hex_encode(&service.id),
                if service.key_supported {
                    ""
                } else {
                    " (key type not supported: never verifies)"
                }
            ),
            _ => format!(
                "{} certificate(s), signing certificate sha256 {}",
                service.chain_len,
                hex_encode(&service.id)
            ),
        };
        out += &format!("  {:<5} {window}  {name}\n", kind_name(service.kind));
    }
    match state {
        Some(st) => {
            out += &format!(
                "TUF state ({state_file}): root v{} (expires {}), timestamp v{}, snapshot v{}, \
                 targets v{}, newest verified time {}",
                st.root_version(),
                format_time(st.root_expires()),
                st.timestamp_version(),
                st.snapshot_version(),
                st.targets_version(),
                st.newest_verified_time().map_or("none".into(), format_time)
            );
        }
        None => {
            out += &format!(
                "TUF state: none in {state_file} (a first `trust-root update` starts from the \
                 embedded Sigstore TUF root v15)"
            );
        }
    }
    out
}
