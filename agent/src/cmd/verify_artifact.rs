//! `edgeverify verify-artifact`: SLSA provenance with `slsa-verifier verify-artifact`
//! semantics, offline, against the pinned trust root.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;

use edgeverify_core::slsa::{self, SlsaPolicy};
use edgeverify_core::{
    hex_encode, limits, verify, Artifact, Bundle, Error, HashAlgorithm, Policy, VerifiedBundle,
};

use super::cli::{Command, Opt, Positional, Stop};
use super::flags::{SourceFlags, SOURCE_OPTIONS, TRUSTED_ROOT_OPTION};
use super::Outcome;
use crate::config::trust_root;
use crate::files::{is_stdin, read_bounded};
use crate::gate::artifact;
use crate::gate::evidence::{is_legacy_envelope, not_a_bundle};

/// Arguments of `edgeverify verify-artifact`.
pub struct Args {
    provenance_path: PathBuf,
    source_uri: String,
    source: SourceFlags,
    trusted_root: Option<PathBuf>,
    print_provenance: bool,
    json: bool,
    artifacts: Vec<PathBuf>,
}

/// `edgeverify verify-artifact`'s command line.
pub static COMMAND: Command = Command {
    name: "verify-artifact",
    about: "Verify artifacts against SLSA provenance (slsa-verifier `verify-artifact` semantics).",
    options: &[
        &[
            Opt {
                long: "provenance-path",
                value: Some("FILE"),
                help: "The provenance: a Sigstore bundle holding a DSSE in-toto statement (for \
                       example the `multiple.intoto.jsonl` of slsa-github-generator ≥ v2.1.0).",
            },
            Opt {
                long: "source-uri",
                value: Some("URI"),
                help: "Expected source repository, `github.com/ORG/REPO`.",
            },
        ],
        SOURCE_OPTIONS,
        TRUSTED_ROOT_OPTION,
        &[
            Opt {
                long: "print-provenance",
                value: None,
                help: "After verification, print the verified in-toto statement (JSON) on stdout.",
            },
            Opt {
                long: "json",
                value: None,
                help: "Print one JSON object per artifact on stdout; a failure before any \
                       artifact (I/O, legacy format, policy) prints one object with \
                       `\"artifact\": null`.",
            },
        ],
    ],
    positionals: &[Positional::many(
        "ARTIFACT",
        "The artifacts; each is verified against the provenance (the bundle once, then \
         each artifact's subject and SLSA checks). `-` reads one from standard input.",
    )],
    trailing: false,
};

impl Args {
    /// Parses what follows `verify-artifact`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        Ok(Self {
            provenance_path: m.required_path("provenance-path")?,
            source_uri: m.required_string("source-uri")?,
            source: SourceFlags::take(&m)?,
            trusted_root: m.path("trusted-root"),
            print_provenance: m.switch("print-provenance"),
            json: m.switch("json"),
            artifacts: m.positionals().into_iter().map(PathBuf::from).collect(),
        })
    }
}

/// Why an artifact was not verified.
enum Failure {
    /// The evidence or the policy said no.
    Rejected(Error),
    /// The provenance is not a bundle (a legacy envelope that cannot be verified offline, an
    /// artifact, `{}`): the error name and why.
    NotABundle(&'static str, &'static str),
    /// Unusable input or configuration.
    Unusable(String),
}

/// Runs `edgeverify verify-artifact`.
pub fn run(args: &Args) -> Outcome {
    let prepared = match prepare(args) {
        Ok(p) => p,
        Err(Failure::Unusable(msg)) => {
            json_failure(args, None, "ErrorInput", &msg);
            eprintln!("edgeverify: error: {msg}");
            return Outcome::Unusable;
        }
        Err(Failure::NotABundle(name, why)) => {
            let msg = format!("{}: {why}", args.provenance_path.display());
            json_failure(args, None, name, &msg);
            eprintln!("FAILED: SLSA verification failed: {msg}");
            return Outcome::Rejected;
        }
        Err(Failure::Rejected(e)) => {
            json_failure(args, None, slsa::error_name(&e), &e.to_string());
            eprintln!(
                "FAILED: SLSA verification failed: {}",
                super::describe_slsa_failure(&e)
            );
            return Outcome::of_failure(&e);
        }
    };
    let (root, bundle, policy) = prepared;
    let mut builder: Option<String> = None;
    let mut statement: Vec<u8> = Vec::new();
    // The bundle is verified once; each further artifact repeats only the artifact steps
    // (subject match, SLSA policy), with the verdict a whole verification would give.
    let mut first: Option<VerifiedBundle> = None;
    for path in &args.artifacts {
        let digests = match artifact::hash_file(path, &[HashAlgorithm::Sha256]) {
            Ok(d) => d,
            Err(e) => {
                let msg = format!("cannot read {}: {e}", path.display());
                json_failure(args, Some(path), "ErrorInput", &msg);
                eprintln!("edgeverify: error: {msg}");
                return Outcome::Unusable;
            }
        };
        let verdict = match &first {
            Some(first) => first.for_another_artifact(&digests),
            None => verify(&root, &bundle, Artifact::Digests(&digests), &policy),
        };
        let verified = match verdict {
            Ok(v) => v,
            Err(e) => {
                json_failure(args, Some(path), slsa::error_name(&e), &e.to_string());
                eprintln!(
                    "FAILED: SLSA verification failed for {}: {}{}",
                    path.display(),
                    super::describe_slsa_failure(&e),
                    expected(args, &e)
                );
                return Outcome::of_failure(&e);
            }
        };
        let Some(provenance) = verified.provenance() else {
            json_failure(
                args,
                Some(path),
                "ErrorInternal",
                "verified without provenance",
            );
            eprintln!("edgeverify: error: internal: SLSA policy verified without provenance");
            return Outcome::Unusable;
        };
        // slsa-verifier: every artifact must come from the same builder.
        match &builder {
            Some(b) if b != provenance.builder_id() => {
                let msg = format!(
                    "encountered different builderIDs ({b}, {})",
                    provenance.builder_id()
                );
                json_failure(args, Some(path), "ErrorMismatchBuilderID", &msg);
                eprintln!("FAILED: SLSA verification failed: {msg}");
                return Outcome::Rejected;
            }
            _ => builder = Some(provenance.builder_id().to_string()),
        }
        statement = provenance.statement().to_vec();
        report(args, path, &verified);
        first.get_or_insert(verified);
    }
    if args.print_provenance {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&statement);
        let _ = out.write_all(b"\n");
    }
    eprintln!("PASSED: SLSA verification passed");
    Outcome::Verified
}

type Prepared = (edgeverify_core::TrustRoot, Bundle, Policy);

fn prepare(args: &Args) -> Result<Prepared, Failure> {
    if args.artifacts.iter().filter(|p| is_stdin(p)).count() > 1 {
        return Err(Failure::Unusable(
            "`-` (standard input) can be given as one artifact only".into(),
        ));
    }
    let policy = Policy::Slsa(slsa_policy(args).map_err(|e| Failure::Unusable(e.to_string()))?);
    let root =
        trust_root::load(args.trusted_root.as_deref(), &policy).map_err(Failure::Unusable)?;
    let json =
        read_bounded(&args.provenance_path, limits::MAX_BUNDLE_BYTES).map_err(Failure::Unusable)?;
    let bundle = Bundle::from_json(&json).map_err(|e| match not_a_bundle(&json) {
        Some(why) if is_legacy_envelope(&json) => Failure::NotABundle("ErrorLegacyEnvelope", why),
        Some(why) => Failure::NotABundle("ErrorUnexpectedBundleContent", why),
        None => Failure::Rejected(e),
    })?;
    Ok((root, bundle, policy))
}

fn slsa_policy(args: &Args) -> Result<SlsaPolicy, Error> {
    args.source.policy(&args.source_uri)
}

/// What the command line expected, for a source, tag, branch or builder mismatch.
fn expected(args: &Args, e: &Error) -> String {
    let (flag, value) = match e.cause() {
        Error::Provenance(slsa::SlsaError::MismatchSource(_)) => {
            ("--source-uri", Some(&args.source_uri))
        }
        Error::Provenance(slsa::SlsaError::MismatchTag(_)) => {
            ("--source-tag", args.source.source_tag.as_ref())
        }
        Error::Provenance(slsa::SlsaError::MismatchVersionedTag(_)) => (
            "--source-versioned-tag",
            args.source.source_versioned_tag.as_ref(),
        ),
        Error::Provenance(slsa::SlsaError::MismatchBranch(_)) => {
            ("--source-branch", args.source.source_branch.as_ref())
        }
        Error::Provenance(slsa::SlsaError::MismatchBuilderId(_)) => {
            ("--builder-id", args.source.builder_id.as_ref())
        }
        _ => return String::new(),
    };
    value.map_or_else(String::new, |v| format!(" (expected {flag} {v:?})"))
}

/// With `--json`, the one object that says this run (or this artifact) failed.
fn json_failure(args: &Args, artifact: Option<&std::path::Path>, error: &str, reason: &str) {
    if args.json {
        let json = serde_json::json!({
            "artifact": artifact.map(|p| p.display().to_string()),
            "verified": false,
            "error": error,
            "reason": reason,
        });
        println!("{json}");
    }
}

fn report(args: &Args, path: &std::path::Path, v: &VerifiedBundle) {
    let Some(p) = v.provenance() else { return };
    if args.json {
        let json = serde_json::json!({
            "artifact": path.display().to_string(),
            "verified": true,
            "sha256": v.artifact_sha256().map(|d| hex_encode(d.as_bytes())),
            "builder_id": p.builder_id(),
            "source_uri": p.source_uri(),
            "source_commit": p.source_commit(),
            "tag": p.tag(),
            "branch": p.branch(),
            "signer": v.identity(),
            "log_index": v.log_entries().first().map(|e| e.log_index),
            "integrated_time": v.integrated_time().map(|t| t.as_secs()),
        });
        println!("{json}");
    } else {
        // A human line: stderr, so that stdout carries only what was asked for
        // (`--print-provenance`), as slsa-verifier does.
        eprintln!(
            "Verified {}: built by {} from {} (commit {}){}",
            path.display(),
            p.builder_id(),
            p.source_uri(),
            p.source_commit(),
            p.tag().map(|t| format!(", tag {t}")).unwrap_or_default(),
        );
    }
}
