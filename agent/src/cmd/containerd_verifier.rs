//! `edgeverify containerd-verifier`: a containerd ≥ 2.0 image verifier (the
//! `io.containerd.image-verifier.v1.bindir` plugin's executable API).
//!
//! containerd runs every executable in its `bin_dir` as
//! `BIN -name REF -digest DIGEST -stdin-media-type application/vnd.oci.descriptor.v1+json`
//! (plus `-operation pull|run` when `verify_on_run` is set), writes the image's top-level OCI
//! descriptor as one JSON line on stdin, allows the pull only on exit status 0 and keeps the
//! first 32 KiB of stdout as the reason. This mode decides with the policy file's
//! `[[image_rule]]`s and the evidence store of `[images]` (see `config::images`): the first
//! rule whose glob matches the name says which identity or SLSA policy the image's evidence in
//! `<store>/sha256-<hex>/` (an OCI image layout) must satisfy.
//!
//! Invoked as `edgeverify containerd-verifier [--policy FILE] <containerd's flags>`, or through
//! a link or copy named `edgeverify-containerd-verifier` (policy: [`DEFAULT_POLICY`]).
//! containerd's flags are Go `flag` style: `-name V`, `--name V`, `-name=V`.
//!
//! Exit status: 0 allow (verified, an audit-mode rule, or `unmatched = "allow"`), 1 denied,
//! 2 nothing decided (bad arguments, stdin, policy or store); containerd blocks the pull on
//! both 1 and 2. Stdout carries exactly one line, the reason.

use std::ffi::OsString;
use std::io::{Read, Write as _};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use edgeverify_core::oci::{digest_string, parse_digest};
use edgeverify_core::{hex_encode, verify_image, Digest, ErrorClass, HashAlgorithm, VerifiedImage};
use serde_json::Value;

use super::Outcome;
use crate::config::{self, images::ImageRule, Mode};
use crate::gate::audit;
use crate::oci_dir::OciDir;

/// The policy read when the binary is started under the name
/// `edgeverify-containerd-verifier` (containerd passes no other argument).
pub const DEFAULT_POLICY: &str = "/etc/edgeverify/policy.toml";

/// The file name that selects this mode (`argv[0]`).
pub const PROGRAM_NAME: &str = "edgeverify-containerd-verifier";

/// `-stdin-media-type` for a pull: the image's OCI descriptor.
pub const DESCRIPTOR_MEDIA_TYPE: &str = "application/vnd.oci.descriptor.v1+json";

/// `-stdin-media-type` with `verify_on_run`: containerd's wrapper around the descriptor.
pub const VERIFIER_INPUT_MEDIA_TYPE: &str =
    "application/vnd.containerd.image-verifier.input.v1+json";

/// Largest stdin read. A descriptor is a few hundred bytes (annotations can add some); more
/// than this is refused rather than read on.
pub const MAX_STDIN_BYTES: usize = 64 * 1024;

/// How long stdin may take to arrive and close. containerd writes it at once and closes it;
/// this bounds a caller that never does, well inside containerd's 10 s default timeout.
pub const STDIN_DEADLINE: Duration = Duration::from_secs(2);

/// Longest image name and reason put on stdout or in the audit log (containerd keeps 32 KiB).
const MAX_TEXT_BYTES: usize = 1024;

/// What containerd asked.
#[derive(Debug)]
struct Request {
    policy: PathBuf,
    name: String,
    digest: Digest,
    media_type: String,
}

/// A decision: the outcome, the line for stdout, and for the audit log the rule and signer.
struct Decision {
    outcome: Outcome,
    reason: String,
    rule: Option<String>,
    identity: Option<String>,
    audit_only: bool,
}

impl Decision {
    fn new(outcome: Outcome, reason: String) -> Self {
        Self {
            outcome,
            reason,
            rule: None,
            identity: None,
            audit_only: false,
        }
    }
}

/// Runs the verifier on `args` (the arguments after the subcommand, or after `argv[0]` in the
/// `edgeverify-containerd-verifier` form), reading the descriptor from stdin.
pub fn run(args: &[OsString], default_policy: Option<&str>) -> Outcome {
    let mut name_for_log = String::new();
    let mut digest_for_log = String::new();
    let (decision, audit_log) = match parse_args(args, default_policy) {
        Err(reason) => (Decision::new(Outcome::Unusable, reason), None),
        Ok(req) => {
            name_for_log.clone_from(&req.name);
            digest_for_log = digest_string(&req.digest);
            decide(&req)
        }
    };
    let mut decision = decision;
    if let Some(path) = audit_log {
        if let Err(e) = record(&path, &name_for_log, &digest_for_log, &decision) {
            // The decision must be on record before the pull goes on.
            decision = Decision::new(
                Outcome::Unusable,
                format!(
                    "cannot write the audit log {}: {e} (decision was: {})",
                    path.display(),
                    decision.reason
                ),
            );
        }
    }
    let verdict = match (decision.outcome, decision.audit_only) {
        (Outcome::Verified, false) => "allow",
        (Outcome::Verified, true) => "allow (audit)",
        (Outcome::Rejected, _) => "deny",
        (Outcome::Unusable, _) => "deny (undecided)",
    };
    let line = format!(
        "edgeverify: {verdict}: {}",
        audit::bounded(&decision.reason, MAX_TEXT_BYTES)
    );
    // containerd reads stdout to EOF after the child exits or closes it; a failed write
    // leaves only the exit status, which still decides.
    let _ = writeln!(std::io::stdout().lock(), "{line}");
    decision.outcome
}

/// Go `flag` parsing of containerd's arguments (and `--policy`): `-f V`, `--f V`, `-f=V`,
/// `--f=V`. Unknown flags and stray words are refused: a caller speaking another protocol
/// version must not be answered as if it spoke this one.
fn parse_args(args: &[OsString], default_policy: Option<&str>) -> Result<Request, String> {
    let mut policy = default_policy.map(PathBuf::from);
    let mut name = None;
    let mut digest = None;
    let mut media_type = None;
    let mut operation = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let arg = arg
            .to_str()
            .ok_or_else(|| "an argument is not UTF-8".to_string())?;
        let flag = arg
            .strip_prefix("--")
            .or_else(|| arg.strip_prefix('-'))
            .filter(|f| !f.is_empty() && !f.starts_with('-'))
            .ok_or_else(|| format!("unexpected argument {:?}", bounded(arg)))?;
        let (key, inline) = match flag.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (flag, None),
        };
        let slot = match key {
            "policy" => {
                let v = value(key, inline, &mut it)?;
                policy = Some(PathBuf::from(v));
                continue;
            }
            "name" => &mut name,
            "digest" => &mut digest,
            "stdin-media-type" => &mut media_type,
            "operation" => &mut operation,
            _ => return Err(format!("unknown flag -{}", bounded(key))),
        };
        if slot.is_some() {
            return Err(format!("-{key} given twice"));
        }
        *slot = Some(value(key, inline, &mut it)?);
    }
    let policy = policy.ok_or("--policy FILE is required")?;
    let name = name.ok_or("-name is required (containerd's image verifier protocol)")?;
    let digest_text = digest.ok_or("-digest is required (containerd's image verifier protocol)")?;
    let media_type = media_type.ok_or("-stdin-media-type is required")?;
    if let Some(op) = operation {
        if op != "pull" && op != "run" {
            return Err(format!("unknown -operation {:?}", bounded(&op)));
        }
    }
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err("-name must be a non-empty image reference".into());
    }
    let digest = parse_digest(&digest_text)
        .filter(|d| d.algorithm() == HashAlgorithm::Sha256)
        .ok_or_else(|| {
            format!(
                "-digest {:?} is not sha256:<64 hex> (the evidence store is keyed by SHA-256)",
                bounded(&digest_text)
            )
        })?;
    Ok(Request {
        policy,
        name,
        digest,
        media_type,
    })
}

fn value(
    key: &str,
    inline: Option<String>,
    rest: &mut std::slice::Iter<'_, OsString>,
) -> Result<String, String> {
    match inline {
        Some(v) => Ok(v),
        None => rest
            .next()
            .and_then(|v| v.to_str())
            .map(str::to_string)
            .ok_or_else(|| format!("-{key} needs a value")),
    }
}

fn bounded(text: &str) -> String {
    audit::bounded(text, 256)
}

/// The decision, and the audit log to record it in (when the policy could be read).
fn decide(req: &Request) -> (Decision, Option<PathBuf>) {
    // Stdin first, so that containerd's write completes whatever is decided.
    let stdin = check_stdin(req);
    let cfg = match config::load(&req.policy) {
        Ok(cfg) => cfg,
        Err(e) => {
            return (
                Decision::new(Outcome::Unusable, format!("policy: {e}")),
                None,
            )
        }
    };
    let images = &cfg.images;
    if let Err(reason) = stdin {
        return (
            Decision::new(Outcome::Unusable, reason),
            images.audit_log.clone(),
        );
    }
    let name = audit::bounded(&req.name, MAX_TEXT_BYTES);
    let decision = match images.rule_for(&req.name) {
        None if images.allow_unmatched => Decision::new(
            Outcome::Verified,
            format!("no [[image_rule]] names {name}; allowed ([images] unmatched = \"allow\")"),
        ),
        None => Decision::new(
            Outcome::Rejected,
            format!("no [[image_rule]] names {name} (unmatched images are denied)"),
        ),
        Some(rule) => {
            let mut d = match &images.store {
                None => Decision::new(
                    Outcome::Unusable,
                    "the policy has no [images] store to find the image's evidence in".into(),
                ),
                Some(store) => verify_in_store(&cfg, rule, store, req),
            };
            d.rule = Some(rule.name.clone());
            if d.outcome != Outcome::Verified && rule.mode == Mode::Audit {
                d.reason = format!(
                    "audit mode: would deny {name} under image rule {:?}: {}",
                    rule.name, d.reason
                );
                d.outcome = Outcome::Verified;
                d.audit_only = true;
            }
            d
        }
    };
    (decision, images.audit_log.clone())
}

/// The descriptor on stdin must be the image containerd names in `-digest`. The `run`
/// input (`verify_on_run`) is a wrapper whose layout containerd may change: it is read (so
/// containerd's write completes) but the decision rests on `-digest`.
fn check_stdin(req: &Request) -> Result<(), String> {
    let known = [DESCRIPTOR_MEDIA_TYPE, VERIFIER_INPUT_MEDIA_TYPE];
    if !known.contains(&req.media_type.as_str()) {
        return Err(format!(
            "-stdin-media-type {:?} is not one this verifier reads ({DESCRIPTOR_MEDIA_TYPE})",
            bounded(&req.media_type)
        ));
    }
    let input = read_stdin()?;
    if req.media_type != DESCRIPTOR_MEDIA_TYPE {
        return Ok(());
    }
    let descriptor: Value = serde_json::from_slice(&input)
        .map_err(|e| format!("stdin is not a JSON OCI descriptor: {e}"))?;
    let digest = descriptor.get("digest").and_then(Value::as_str);
    let wanted = digest_string(&req.digest);
    if digest != Some(wanted.as_str()) {
        return Err(format!(
            "the descriptor on stdin is for {:?}, not -digest {wanted}",
            digest.map(bounded)
        ));
    }
    if !descriptor.get("mediaType").is_some_and(Value::is_string) {
        return Err("the descriptor on stdin has no mediaType".into());
    }
    Ok(())
}

/// Stdin to EOF, at most [`MAX_STDIN_BYTES`], within [`STDIN_DEADLINE`]. The reader is a
/// thread so that the deadline holds whatever stdin is; a stuck one ends with the process.
fn read_stdin() -> Result<Vec<u8>, String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut buf = Vec::new();
        let limit = u64::try_from(MAX_STDIN_BYTES + 1).unwrap_or(u64::MAX);
        let got = std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map(|_| buf);
        let _ = tx.send(got);
    });
    match rx.recv_timeout(STDIN_DEADLINE) {
        Ok(Ok(buf)) if buf.len() > MAX_STDIN_BYTES => Err(format!(
            "stdin holds more than {MAX_STDIN_BYTES} bytes; a descriptor is far smaller"
        )),
        Ok(Ok(buf)) => Ok(buf),
        Ok(Err(e)) => Err(format!("cannot read stdin: {e}")),
        Err(_) => Err(format!(
            "stdin was not closed within {} s",
            STDIN_DEADLINE.as_secs()
        )),
    }
}

/// Verifies the image's evidence in `<store>/sha256-<hex>/` under the rule.
fn verify_in_store(
    cfg: &config::Config,
    rule: &ImageRule,
    store: &std::path::Path,
    req: &Request,
) -> Decision {
    let dir = store.join(format!("sha256-{}", hex_encode(req.digest.as_bytes())));
    let name = audit::bounded(&req.name, MAX_TEXT_BYTES);
    if !dir.is_dir() {
        // Nothing was side-loaded for this image: it has no evidence, a denial.
        return Decision::new(
            Outcome::Rejected,
            format!(
                "{name} ({}) under image rule {:?}: no evidence in the store (expected an OCI \
                 image layout at {})",
                digest_string(&req.digest),
                rule.name,
                dir.display()
            ),
        );
    }
    let mut layout = OciDir::new(&dir);
    let evidence = rule.evidence();
    match verify_image(&cfg.root, &mut layout, &req.digest, evidence, &rule.policy) {
        Ok(v) => {
            let mut d = Decision::new(
                Outcome::Verified,
                format!(
                    "{name} ({}) verified under image rule {:?}: {}",
                    digest_string(&req.digest),
                    rule.name,
                    what_verified(&v)
                ),
            );
            d.identity = v.verified().identity().map(str::to_string);
            d
        }
        Err(e) => {
            let undecided = e.class() == ErrorClass::Undecided;
            let detail = match (&layout.last_error, undecided) {
                (Some(io), true) => format!("{e} ({io})"),
                _ => e.to_string(),
            };
            Decision::new(
                if undecided {
                    Outcome::Unusable
                } else {
                    Outcome::Rejected
                },
                format!(
                    "{name} ({}) under image rule {:?}, evidence {}: {detail}",
                    digest_string(&req.digest),
                    rule.name,
                    dir.display()
                ),
            )
        }
    }
}

fn what_verified(v: &VerifiedImage) -> String {
    let bundle = v.verified();
    match bundle.provenance() {
        Some(p) => format!(
            "built by {} from {} (commit {})",
            p.builder_id(),
            p.source_uri(),
            p.source_commit()
        ),
        None => format!(
            "{} by {} ({})",
            v.evidence_kind().name(),
            bundle.identity().unwrap_or("a trusted key"),
            bundle.issuer().unwrap_or("no issuer")
        ),
    }
}

/// Appends the decision to the audit log and syncs it.
fn record(path: &std::path::Path, name: &str, digest: &str, d: &Decision) -> std::io::Result<()> {
    let json = serde_json::json!({
        "time": audit::now(),
        "event": "image",
        "image": audit::bounded(name, MAX_TEXT_BYTES),
        "digest": digest,
        "verdict": match (d.outcome, d.audit_only) {
            (Outcome::Verified, true) => "allow-audit",
            (Outcome::Verified, false) => "allow",
            _ => "deny",
        },
        "rule": d.rule,
        "reason": audit::bounded(&d.reason, MAX_TEXT_BYTES),
        "identity": d.identity,
    });
    let mut line = json.to_string().into_bytes();
    line.push(b'\n');
    let mut w = audit::Writer::open(audit::Settings {
        path: path.to_path_buf(),
        max_bytes: audit::DEFAULT_MAX_BYTES,
        keep: audit::DEFAULT_KEEP,
    })?;
    w.append(&line)?;
    w.sync()
}
