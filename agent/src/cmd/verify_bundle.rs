//! `edgeverify verify-bundle`: the sigstore-conformance client protocol, offline.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Parser};
use edgeverify_core::{
    hex_decode, hex_encode, limits, verify, Artifact, Bundle, Digest, Error, HashAlgorithm,
    KeyType, Policy, Stage, VerifiedBundle,
};

use super::flags::SignerFlags;
use super::Outcome;
use crate::config::trust_root;
use crate::files::read_bounded;
use crate::gate::artifact;

#[derive(Parser)]
#[command(group(ArgGroup::new("signer").required(true).args(["certificate_identity", "certificate_identity_regexp", "key"])))]
/// Arguments of `edgeverify verify-bundle`.
pub struct Args {
    /// The Sigstore bundle (JSON).
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
    #[command(flatten)]
    signer: SignerFlags,
    /// Trust root: trusted_root.json or its compact CBOR form (`trust-root compile`); default:
    /// the embedded Sigstore public-good root.
    #[arg(long, value_name = "FILE")]
    trusted_root: Option<PathBuf>,
    /// Print the verdict as one JSON object on stdout.
    #[arg(long)]
    json: bool,
    /// The artifact path, or `sha256:<64 hex>`.
    #[arg(value_name = "FILE_OR_DIGEST")]
    artifact: String,
}

/// Runs `edgeverify verify-bundle`.
pub fn run(args: &Args) -> Outcome {
    match verify_bundle(args) {
        Ok(verified) => {
            report_success(args, &verified);
            Outcome::Verified
        }
        Err(Failure::Rejected(e)) => {
            // A trust root or an argument that cannot be used decides nothing: exit 2.
            let unusable = matches!(e.stage(), Stage::Input | Stage::TrustRoot);
            report_failure(args, &e.to_string(), Some(e.stage()), unusable);
            if unusable {
                Outcome::Unusable
            } else {
                Outcome::Rejected
            }
        }
        Err(Failure::Unusable(msg)) => {
            report_failure(args, &msg, None, true);
            Outcome::Unusable
        }
    }
}

enum Failure {
    Rejected(Error),
    Unusable(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Rejected(e)
    }
}

fn verify_bundle(args: &Args) -> Result<VerifiedBundle, Failure> {
    let policy = policy(args)?;
    let root = trust_root::load(args.trusted_root.as_deref()).map_err(Failure::Unusable)?;
    let bundle_json =
        read_bounded(&args.bundle, limits::MAX_BUNDLE_BYTES).map_err(Failure::Unusable)?;
    let bundle = Bundle::from_json(&bundle_json)?;
    let verified = match ArtifactArg::parse(&args.artifact) {
        ArtifactArg::Sha256(d) => verify(&root, &bundle, Artifact::Digests(&[d]), &policy)?,
        ArtifactArg::Path(path) if needs_artifact_bytes(&bundle, &policy) => {
            // RSA and Ed25519 message signatures cannot be checked from a digest (ring hashes
            // the message itself), so such artifacts are read whole, within a bound.
            let bytes = read_bounded(&path, MAX_IN_MEMORY_ARTIFACT_BYTES).map_err(|e| {
                Failure::Unusable(format!(
                    "{e} (RSA/Ed25519 keys need the artifact in memory, at most \
                     {MAX_IN_MEMORY_ARTIFACT_BYTES} bytes)"
                ))
            })?;
            verify(&root, &bundle, Artifact::Bytes(&bytes), &policy)?
        }
        ArtifactArg::Path(path) => {
            let mut algs = vec![HashAlgorithm::Sha256];
            algs.extend(bundle.message_digest_algorithm());
            let digests = artifact::hash_file(&path, &algs)
                .map_err(|e| Failure::Unusable(format!("cannot read {}: {e}", path.display())))?;
            verify(&root, &bundle, Artifact::Digests(&digests), &policy)?
        }
    };
    Ok(verified)
}

/// Largest artifact read whole into memory, for the keys that cannot verify from a digest.
/// Everything else is streamed in fixed-size chunks, whatever its size.
const MAX_IN_MEMORY_ARTIFACT_BYTES: usize = 64 * 1024 * 1024;

/// `FILE_OR_DIGEST` of the conformance protocol: a digest only if it is `sha256:` followed by
/// exactly 64 hex characters and no file by that name exists.
enum ArtifactArg {
    Path(PathBuf),
    Sha256(Digest),
}

impl ArtifactArg {
    fn parse(arg: &str) -> Self {
        if let Some(hex) = arg.strip_prefix("sha256:") {
            if hex.len() == 64 && !Path::new(arg).exists() {
                if let Some(d) =
                    hex_decode(hex).and_then(|b| Digest::new(HashAlgorithm::Sha256, &b))
                {
                    return Self::Sha256(d);
                }
            }
        }
        Self::Path(arg.into())
    }
}

fn needs_artifact_bytes(bundle: &Bundle, policy: &Policy) -> bool {
    matches!(policy, Policy::PublicKey(key) if matches!(key.key_type(), KeyType::Rsa | KeyType::Ed25519))
        && !bundle.is_dsse()
}

fn policy(args: &Args) -> Result<Policy, Failure> {
    args.signer.policy().map_err(Failure::Unusable)
}

fn report_success(args: &Args, v: &VerifiedBundle) {
    let entry = v.log_entries().first();
    if args.json {
        let json = serde_json::json!({
            "verified": true,
            "identity": v.identity(),
            "issuer": v.issuer(),
            "log_index": entry.map(|e| e.log_index),
            "integrated_time": v.integrated_time().map(|t| t.as_secs()),
            "verified_times": v.verified_times().iter().map(|t| t.as_secs()).collect::<Vec<_>>(),
            "artifact_sha256": v.artifact_sha256().map(|d| hex_encode(d.as_bytes())),
        });
        println!("{json}");
    } else {
        let signer = match (v.identity(), v.issuer()) {
            (Some(id), Some(iss)) => format!("{id} (issuer {iss})"),
            (Some(id), None) => id.to_string(),
            _ => "the given key".to_string(),
        };
        let when = v
            .verified_times()
            .first()
            .map(|t| format!(", signed at {} (unix)", t.as_secs()))
            .unwrap_or_default();
        let index = entry
            .map(|e| format!(", log index {}", e.log_index))
            .unwrap_or_default();
        println!("Verified OK: signed by {signer}{when}{index}");
    }
}

fn report_failure(args: &Args, message: &str, stage: Option<Stage>, unusable: bool) {
    if args.json {
        let json = serde_json::json!({
            "verified": false,
            "stage": stage.map(Stage::name),
            "error": message,
        });
        println!("{json}");
    }
    if unusable {
        eprintln!("edgeverify: error: {message}");
    } else {
        eprintln!("edgeverify: verification failed: {message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_digest(arg: &str) -> bool {
        matches!(ArtifactArg::parse(arg), ArtifactArg::Sha256(_))
    }

    #[test]
    fn only_sha256_and_64_hex_digits_make_a_digest() {
        let hex = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
        match ArtifactArg::parse(&format!("sha256:{hex}")) {
            ArtifactArg::Sha256(d) => assert_eq!(hex_encode(d.as_bytes()), hex),
            ArtifactArg::Path(p) => panic!("taken as a path: {}", p.display()),
        }
        assert!(is_digest(&format!("sha256:{}", hex.to_uppercase())));
        assert!(!is_digest(&format!("sha256:{}", &hex[..62])));
        assert!(!is_digest(&format!("sha512:{hex}")));
        // `u8::from_str_radix` accepts a sign ("+a" is 10); a digest is hex digits only.
        assert!(!is_digest(&format!("sha256:{}", "+a".repeat(32))));
        assert!(!is_digest(&format!("sha256:{}g", &hex[..63])));
    }
}
