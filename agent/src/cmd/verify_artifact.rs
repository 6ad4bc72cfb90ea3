//! `edgeverify verify-artifact`: SLSA provenance with `slsa-verifier verify-artifact`
//! semantics, offline, against the pinned trust root.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Parser;
use edgeverify_core::slsa::{self, SlsaPolicy};
use edgeverify_core::{
    hex_encode, limits, verify, Artifact, Bundle, Error, HashAlgorithm, Policy, VerifiedBundle,
};

use super::flags::SourceFlags;
use super::Outcome;
use crate::config::trust_root;
use crate::files::read_bounded;
use crate::gate::artifact;

#[derive(Parser)]
/// Arguments of `edgeverify verify-artifact`.
pub struct Args {
    /// The provenance: a Sigstore bundle holding a DSSE in-toto statement (for example the
    /// `multiple.intoto.jsonl` of slsa-github-generator ≥ v2.1.0).
    #[arg(long, value_name = "FILE")]
    provenance_path: PathBuf,
    /// Expected source repository, `github.com/ORG/REPO`.
    #[arg(long, value_name = "URI")]
    source_uri: String,
    #[command(flatten)]
    source: SourceFlags,
    /// Trust root: trusted_root.json or its compact CBOR form (`trust-root compile`); default:
    /// the embedded Sigstore public-good root.
    #[arg(long, value_name = "FILE")]
    trusted_root: Option<PathBuf>,
    /// After verification, print the verified in-toto statement (JSON) on stdout.
    #[arg(long)]
    print_provenance: bool,
    /// Print one JSON object per artifact on stdout.
    #[arg(long)]
    json: bool,
    /// The artifacts; each is verified against the provenance independently.
    #[arg(value_name = "ARTIFACT", required = true)]
    artifacts: Vec<PathBuf>,
}

/// Why an artifact was not verified.
enum Failure {
    /// The evidence or the policy said no.
    Rejected(Error),
    /// The provenance is a legacy envelope that cannot be verified offline.
    Legacy,
    /// Unusable input or configuration.
    Unusable(String),
}

/// Runs `edgeverify verify-artifact`.
pub fn run(args: &Args) -> Outcome {
    let prepared = match prepare(args) {
        Ok(p) => p,
        Err(Failure::Unusable(msg)) => {
            eprintln!("edgeverify: error: {msg}");
            return Outcome::Unusable;
        }
        Err(Failure::Legacy) => {
            eprintln!("FAILED: SLSA verification failed: {LEGACY_MESSAGE}");
            return Outcome::Rejected;
        }
        Err(Failure::Rejected(e)) => {
            eprintln!(
                "FAILED: SLSA verification failed: {}",
                slsa::describe_error(&e)
            );
            return Outcome::of_failure(&e);
        }
    };
    let (root, bundle, policy) = prepared;
    let mut builder: Option<String> = None;
    let mut statement: Vec<u8> = Vec::new();
    for path in &args.artifacts {
        let digests = match artifact::hash_file(path, &[HashAlgorithm::Sha256]) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("edgeverify: error: cannot read {}: {e}", path.display());
                return Outcome::Unusable;
            }
        };
        let verified = match verify(&root, &bundle, Artifact::Digests(&digests), &policy) {
            Ok(v) => v,
            Err(e) => {
                if args.json {
                    let json = serde_json::json!({
                        "artifact": path.display().to_string(),
                        "verified": false,
                        "error": slsa::error_name(&e),
                        "reason": e.to_string(),
                    });
                    println!("{json}");
                }
                eprintln!(
                    "FAILED: SLSA verification failed for {}: {}",
                    path.display(),
                    slsa::describe_error(&e)
                );
                return Outcome::of_failure(&e);
            }
        };
        let Some(provenance) = verified.provenance() else {
            eprintln!("edgeverify: error: internal: SLSA policy verified without provenance");
            return Outcome::Unusable;
        };
        // slsa-verifier: every artifact must come from the same builder.
        match &builder {
            Some(b) if b != provenance.builder_id() => {
                eprintln!(
                    "FAILED: SLSA verification failed: encountered different builderIDs ({b}, {})",
                    provenance.builder_id()
                );
                return Outcome::Rejected;
            }
            _ => builder = Some(provenance.builder_id().to_string()),
        }
        statement = provenance.statement().to_vec();
        report(args, path, &verified);
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
    let policy = Policy::Slsa(slsa_policy(args).map_err(|e| Failure::Unusable(e.to_string()))?);
    let root =
        trust_root::load(args.trusted_root.as_deref(), &policy).map_err(Failure::Unusable)?;
    let json =
        read_bounded(&args.provenance_path, limits::MAX_BUNDLE_BYTES).map_err(Failure::Unusable)?;
    if is_legacy_envelope(&json) {
        return Err(Failure::Legacy);
    }
    let bundle = Bundle::from_json(&json).map_err(Failure::Rejected)?;
    Ok((root, bundle, policy))
}

fn slsa_policy(args: &Args) -> Result<SlsaPolicy, Error> {
    args.source.policy(&args.source_uri)
}

const LEGACY_MESSAGE: &str = "the provenance is a legacy DSSE envelope (slsa-github-generator \
before v2.1.0, e.g. KubeEdge <= v1.20) with no transparency-log proof inside, so it cannot be \
verified offline (slsa-verifier fetches that proof from Rekor over the network). Verification \
needs a Sigstore bundle carrying the Rekor entry (the *.intoto.jsonl produced by generator >= \
v2.1.0, or a .sigstore.json bundle for this artifact)";

/// A bare DSSE envelope: a JSON object with `payloadType` and `signatures` but no bundle
/// `mediaType`. Detected so that such files fail with an explanation, never "verified" on the
/// strength of a signature alone.
fn is_legacy_envelope(json: &[u8]) -> bool {
    // The legacy `.intoto.jsonl` holds one envelope per line; the first decides.
    let first_line = json.split(|b| *b == b'\n').next().unwrap_or(json);
    match serde_json::from_slice::<serde_json::Value>(first_line) {
        Ok(serde_json::Value::Object(map)) => {
            !map.contains_key("mediaType")
                && map.contains_key("payloadType")
                && map.contains_key("signatures")
        }
        _ => false,
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
        println!(
            "Verified {}: built by {} from {} (commit {}){}",
            path.display(),
            p.builder_id(),
            p.source_uri(),
            p.source_commit(),
            p.tag().map(|t| format!(", tag {t}")).unwrap_or_default(),
        );
    }
}
