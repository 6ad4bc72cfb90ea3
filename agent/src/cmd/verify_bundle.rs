//! `edgeverify verify-bundle`: the sigstore-conformance client protocol, offline.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use edgeverify_core::{
    artifact_hash_algorithms, hex_decode, hex_encode, limits, verify, Artifact, Bundle, Digest,
    Error, HashAlgorithm, KeyType, Policy, Stage, VerifiedBundle,
};

use super::cli::{Command, Opt, Positional, Stop};
use super::flags::{SignerFlags, JSON_VERDICT_OPTION, SIGNER_OPTIONS, TRUSTED_ROOT_OPTION};
use super::Outcome;
use crate::config::trust_root;
use crate::files::read_bounded;
use crate::gate::artifact::{self, ReadArtifact};
use crate::gate::evidence::not_a_bundle;

/// Arguments of `edgeverify verify-bundle`.
pub struct Args {
    bundle: PathBuf,
    signer: SignerFlags,
    trusted_root: Option<PathBuf>,
    json: bool,
    artifact: String,
}

/// `edgeverify verify-bundle`'s command line.
pub static COMMAND: Command = Command {
    name: "verify-bundle",
    about: "Verify a Sigstore bundle for a file or a `sha256:<hex>` digest (sigstore-conformance \
            client protocol).",
    options: &[
        &[Opt {
            long: "bundle",
            value: Some("FILE"),
            help: "The Sigstore bundle (JSON).",
        }],
        SIGNER_OPTIONS,
        TRUSTED_ROOT_OPTION,
        JSON_VERDICT_OPTION,
    ],
    positionals: &[Positional::one(
        "FILE_OR_DIGEST",
        "The artifact path (`-`: standard input), or its digest: `sha256:<64 hex>`, \
         `sha384:<96 hex>` or `sha512:<128 hex>`.",
    )],
    trailing: false,
};

impl Args {
    /// Parses what follows `verify-bundle`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        let signer = SignerFlags::take(&m)?;
        if signer.certificate_identity.is_none()
            && signer.certificate_identity_regexp.is_none()
            && signer.key.is_none()
        {
            return Err(m.required(&[
                "certificate-identity",
                "certificate-identity-regexp",
                "key",
            ]));
        }
        Ok(Self {
            bundle: m.required_path("bundle")?,
            signer,
            trusted_root: m.path("trusted-root"),
            json: m.switch("json"),
            artifact: m.required_positional("FILE_OR_DIGEST")?,
        })
    }
}

/// Runs `edgeverify verify-bundle`.
pub fn run(args: &Args) -> Outcome {
    match verify_bundle(args) {
        Ok(verified) => {
            report_success(args, &verified);
            Outcome::Verified
        }
        Err(Failure::Rejected(e)) => {
            let outcome = Outcome::of_failure(&e);
            report_failure(
                args,
                &format!("{e}{}", expected(args, &e)),
                Some(e.stage()),
                outcome == Outcome::Unusable,
            );
            outcome
        }
        Err(Failure::Unusable(msg)) => {
            report_failure(args, &msg, None, true);
            Outcome::Unusable
        }
        Err(Failure::NotABundle(msg)) => {
            report_failure(args, &msg, Some(Stage::Bundle), false);
            Outcome::Rejected
        }
    }
}

enum Failure {
    Rejected(Error),
    /// Not a bundle (a legacy envelope, the artifact, `{}`): said so (exit 1, as
    /// `verify-artifact`).
    NotABundle(String),
    Unusable(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Rejected(e)
    }
}

fn verify_bundle(args: &Args) -> Result<VerifiedBundle, Failure> {
    let artifact = ArtifactArg::parse(&args.artifact).map_err(Failure::Unusable)?;
    let policy = policy(args)?;
    let root =
        trust_root::load(args.trusted_root.as_deref(), &policy).map_err(Failure::Unusable)?;
    let bundle_json =
        read_bounded(&args.bundle, limits::MAX_BUNDLE_BYTES).map_err(Failure::Unusable)?;
    let bundle = Bundle::from_json(&bundle_json).map_err(|e| match not_a_bundle(&bundle_json) {
        Some(why) => Failure::NotABundle(format!("{}: {why}", args.bundle.display())),
        None => e.into(),
    })?;
    let verified = match artifact {
        ArtifactArg::Digest(d) => verify(&root, &bundle, Artifact::Digests(&[d]), &policy)?,
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
            // One pass over the file, with every algorithm the evidence names it by; a small
            // file is read whole instead (see `read_small_or_hash`).
            let algs = artifact_hash_algorithms(&bundle, &policy);
            match artifact::read_small_or_hash(&path, &algs)
                .map_err(|e| Failure::Unusable(format!("cannot read {}: {e}", path.display())))?
            {
                ReadArtifact::Bytes(bytes) => {
                    verify(&root, &bundle, Artifact::Bytes(&bytes), &policy)?
                }
                ReadArtifact::Digests(digests) => {
                    verify(&root, &bundle, Artifact::Digests(&digests), &policy)?
                }
            }
        }
    };
    Ok(verified)
}

/// Largest artifact read whole into memory, for the keys that cannot verify from a digest.
/// Everything else is streamed in fixed-size chunks, whatever its size.
const MAX_IN_MEMORY_ARTIFACT_BYTES: usize = 64 * 1024 * 1024;

/// `FILE_OR_DIGEST` of the conformance protocol, extended to SHA-384 and SHA-512: a file when
/// one by that name exists; otherwise `<algorithm>:<hex>` is a digest, and one that is not
/// well formed is refused (a usage error) rather than taken for a file that cannot be read.
enum ArtifactArg {
    Path(PathBuf),
    Digest(Digest),
}

impl ArtifactArg {
    fn parse(arg: &str) -> Result<Self, String> {
        let Some((name, hex)) = arg.split_once(':') else {
            return Ok(Self::Path(arg.into()));
        };
        // A path such as `./a:b` or `dir/x:y` is never a digest, nor is an existing file.
        let looks_like_algorithm = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !looks_like_algorithm || Path::new(arg).exists() {
            return Ok(Self::Path(arg.into()));
        }
        let algorithm = match name {
            "sha256" => HashAlgorithm::Sha256,
            "sha384" => HashAlgorithm::Sha384,
            "sha512" => HashAlgorithm::Sha512,
            _ => {
                return Err(format!(
                    "{arg:?} is not a file, nor a digest: unknown algorithm {name:?} (give \
                     sha256:<64 hex>, sha384:<96 hex> or sha512:<128 hex>)"
                ))
            }
        };
        let want = 2 * algorithm.output_len();
        if hex.len() != want {
            return Err(format!(
                "malformed digest {arg:?}: {name} needs {want} hex digits, got {}",
                hex.len()
            ));
        }
        hex_decode(hex)
            .and_then(|bytes| Digest::new(algorithm, &bytes))
            .map(Self::Digest)
            .ok_or_else(|| format!("malformed digest {arg:?}: not hexadecimal"))
    }
}

fn needs_artifact_bytes(bundle: &Bundle, policy: &Policy) -> bool {
    matches!(policy, Policy::PublicKey(key) if matches!(key.key_type(), KeyType::Rsa | KeyType::Ed25519))
        && !bundle.is_dsse()
}

fn policy(args: &Args) -> Result<Policy, Failure> {
    args.signer.policy().map_err(Failure::Unusable)
}

/// What the command line expected, for an identity or issuer mismatch (the core's error says
/// what was found).
fn expected(args: &Args, e: &Error) -> String {
    let (exact, regexp, flag) = match e.cause() {
        Error::SubjectMismatch { .. } => (
            &args.signer.certificate_identity,
            &args.signer.certificate_identity_regexp,
            "--certificate-identity",
        ),
        Error::IssuerMismatch { .. } => (
            &args.signer.certificate_oidc_issuer,
            &args.signer.certificate_oidc_issuer_regexp,
            "--certificate-oidc-issuer",
        ),
        _ => return String::new(),
    };
    match (exact, regexp) {
        (Some(v), _) => format!(" (expected {flag} {v:?})"),
        (None, Some(re)) => format!(
            " (expected a match of {flag}-regexp {re:?}, which must match the whole value: add \
             \".*\" to accept what follows a prefix)"
        ),
        (None, None) => String::new(),
    }
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
            "matched_digest": digest_text(v.matched_digest()),
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

/// `sha512:<hex>`, the form the command takes.
fn digest_text(d: &Digest) -> String {
    format!(
        "{}:{}",
        d.algorithm().rekor_name(),
        hex_encode(d.as_bytes())
    )
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

    const SHA256: &str = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

    fn digest(arg: &str) -> Digest {
        match ArtifactArg::parse(arg) {
            Ok(ArtifactArg::Digest(d)) => d,
            Ok(ArtifactArg::Path(p)) => panic!("taken as a path: {}", p.display()),
            Err(e) => panic!("refused: {e}"),
        }
    }

    fn refusal(arg: &str) -> String {
        match ArtifactArg::parse(arg) {
            Err(e) => e,
            Ok(ArtifactArg::Digest(d)) => panic!("{arg} taken as the digest {d:?}"),
            Ok(ArtifactArg::Path(p)) => panic!("{arg} taken as the path {}", p.display()),
        }
    }

    fn is_path(arg: &str) -> bool {
        matches!(ArtifactArg::parse(arg), Ok(ArtifactArg::Path(_)))
    }

    #[test]
    fn each_algorithm_takes_exactly_its_length_in_hex() {
        for (alg, len) in [
            (HashAlgorithm::Sha256, 64),
            (HashAlgorithm::Sha384, 96),
            (HashAlgorithm::Sha512, 128),
        ] {
            let hex = "0123456789abcdef".repeat(8)[..len].to_string();
            let d = digest(&format!("{}:{hex}", alg.rekor_name()));
            assert_eq!(d.algorithm(), alg);
            assert_eq!(hex_encode(d.as_bytes()), hex);
            assert_eq!(
                hex_encode(
                    digest(&format!("{}:{}", alg.rekor_name(), hex.to_uppercase())).as_bytes()
                ),
                hex
            );
            for wrong in [len - 2, len - 1, len + 1, len + 2] {
                let text = "a".repeat(wrong);
                let e = refusal(&format!("{}:{text}", alg.rekor_name()));
                assert!(
                    e.contains(&format!("needs {len} hex digits, got {wrong}")),
                    "{e}"
                );
            }
        }
    }

    #[test]
    fn malformed_digests_are_refused_saying_why() {
        assert!(refusal("sha256:abc").contains("needs 64 hex digits, got 3"));
        // `u8::from_str_radix` accepts a sign ("+a" is 10); a digest is hex digits only.
        assert!(refusal(&format!("sha256:{}", "+a".repeat(32))).contains("not hexadecimal"));
        assert!(refusal(&format!("sha256:{}g", &SHA256[..63])).contains("not hexadecimal"));
        for unknown in [
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "sha1:00",
            "SHA256:00",
            "x:",
        ] {
            assert!(refusal(unknown).contains("unknown algorithm"), "{unknown}");
        }
    }

    #[test]
    fn paths_stay_paths() {
        assert!(is_path("artifact.tar.gz"));
        assert!(is_path("./sha256:abc"));
        assert!(is_path("dir/sha512:abc"));
        assert!(is_path(":leading-colon"));
        // An existing file wins over the digest reading: tests/cli.rs runs that in a
        // directory holding such a file.
    }

    #[test]
    fn matched_digests_print_as_they_are_given() {
        let d = digest(&format!("sha256:{SHA256}"));
        assert_eq!(digest_text(&d), format!("sha256:{SHA256}"));
    }
}
