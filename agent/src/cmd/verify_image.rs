//! `edgeverify verify-image`: a container image's cosign signatures or attestations (cosign
//! `verify` / `verify-attestation` identity checks) or its SLSA provenance (`slsa-verifier
//! verify-image` flags and semantics), offline, from an OCI image layout.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;

use edgeverify_core::oci::{digest_string, parse_digest};
use edgeverify_core::slsa;
use edgeverify_core::{
    verify_image, Digest, Error, ErrorClass, HashAlgorithm, ImageEvidence, Policy, VerifiedImage,
};

use super::cli::{Command, Opt, Positional, Stop};
use super::flags::{
    SignerFlags, SourceFlags, JSON_VERDICT_OPTION, SIGNER_OPTIONS, SOURCE_OPTIONS,
    TRUSTED_ROOT_OPTION,
};
use super::Outcome;
use crate::config::trust_root;
use crate::oci_dir::OciDir;

/// Arguments of `edgeverify verify-image`.
pub struct Args {
    layout: PathBuf,
    source_uri: Option<String>,
    source: SourceFlags,
    print_provenance: bool,
    signer: SignerFlags,
    predicate_type: Option<String>,
    trusted_root: Option<PathBuf>,
    json: bool,
    image: String,
}

/// `edgeverify verify-image`'s command line.
pub static COMMAND: Command = Command {
    name: "verify-image",
    about: "Verify a container image from an OCI image layout: cosign signatures or attestations \
            (identity or key), or SLSA provenance (slsa-verifier `verify-image` semantics).",
    options: &[
        &[
            Opt {
                long: "layout",
                value: Some("DIR"),
                help: "The OCI image layout holding the image's signatures or attestations (a \
                       `cosign save` directory, or `skopeo copy … oci:DIR`).",
            },
            Opt {
                long: "source-uri",
                value: Some("URI"),
                help: "SLSA: expected source repository, `github.com/ORG/REPO` (selects \
                       `slsa-verifier verify-image` semantics).",
            },
        ],
        SOURCE_OPTIONS,
        &[Opt {
            long: "print-provenance",
            value: None,
            help:
                "SLSA: after verification, print the verified in-toto statement (JSON) on stdout.",
        }],
        SIGNER_OPTIONS,
        &[Opt {
            long: "type",
            value: Some("TYPE"),
            help: "Verify attestations (cosign `verify-attestation`) of this predicate type \
                   instead of signatures: `slsaprovenance`, `slsaprovenance02`, \
                   `slsaprovenance1`, `spdx`, `spdxjson`, `cyclonedx`, `link`, `vuln`, `openvex`, \
                   `custom`, or a predicate type URI; `any` for every type.",
        }],
        TRUSTED_ROOT_OPTION,
        JSON_VERDICT_OPTION,
    ],
    positionals: &[Positional::one(
        "IMAGE",
        "The image: `NAME@sha256:<hex>` or `sha256:<hex>` (a tag alone is mutable).",
    )],
    trailing: false,
};

impl Args {
    /// Parses what follows `verify-image`.
    pub fn parse(args: Vec<OsString>) -> Result<Self, Stop> {
        let mut m = COMMAND.parse(args)?;
        Ok(Self {
            layout: m.required_path("layout")?,
            source_uri: m.string("source-uri")?,
            source: SourceFlags::take(&m)?,
            print_provenance: m.switch("print-provenance"),
            signer: SignerFlags::take(&m)?,
            predicate_type: m.string("type")?,
            trusted_root: m.path("trusted-root"),
            json: m.switch("json"),
            image: m.required_positional("IMAGE")?,
        })
    }
}

/// Runs `edgeverify verify-image`.
pub fn run(args: &Args) -> Outcome {
    let slsa_mode = args.source_uri.is_some();
    let mut layout = OciDir::new(&args.layout);
    let prepared = prepare(args);
    let (root, image, name, policy) = match prepared {
        Ok(p) => p,
        Err(msg) => {
            report_unusable(args, &msg);
            return Outcome::Unusable;
        }
    };
    // Checked in `prepare`; a refused name never gets here.
    let evidence = ImageEvidence::from_type(args.predicate_type.as_deref())
        .unwrap_or(ImageEvidence::Signatures);
    match verify_image(&root, &mut layout, &image, evidence, &policy) {
        Ok(verified) => {
            report_success(args, &name, &verified);
            if slsa_mode {
                eprintln!("PASSED: SLSA verification passed");
            }
            Outcome::Verified
        }
        Err(e) => {
            let undecided = e.class() == ErrorClass::Undecided;
            let detail = match (&layout.last_error, undecided) {
                (Some(io), true) => format!("{e} ({io})"),
                _ => e.to_string(),
            };
            report_failure(args, &name, &e, &detail);
            if undecided {
                Outcome::Unusable
            } else {
                Outcome::Rejected
            }
        }
    }
}

type Prepared = (edgeverify_core::TrustRoot, Digest, String, Policy);

fn prepare(args: &Args) -> Result<Prepared, String> {
    let policy = policy(args)?;
    if let Some(t) = &args.predicate_type {
        ImageEvidence::from_type(Some(t)).ok_or_else(|| {
            format!("--type {t:?} is neither a cosign predicate type name nor a URI")
        })?;
    }
    let root = trust_root::load(args.trusted_root.as_deref(), &policy)?;
    let (digest, name) = parse_image(&args.image)?;
    Ok((root, digest, name, policy))
}

/// `NAME@sha256:<hex>` or `sha256:<hex>`: the digest decides; a tag alone is mutable and is
/// refused (slsa-verifier `ErrorMutableImage`).
fn parse_image(arg: &str) -> Result<(Digest, String), String> {
    let digest_text = arg.rsplit_once('@').map_or(arg, |(_, d)| d);
    let digest = parse_digest(digest_text)
        .filter(|d| d.algorithm() == HashAlgorithm::Sha256)
        .ok_or_else(|| {
            format!("{arg:?} does not name an image by digest: give IMAGE@sha256:<64 hex> or sha256:<64 hex>")
        })?;
    Ok((digest, arg.to_string()))
}

/// SLSA flags (with `--source-uri`) or signer flags (with `--type`), never both.
fn policy(args: &Args) -> Result<Policy, String> {
    let slsa_only = args.source.any() || args.print_provenance;
    match &args.source_uri {
        Some(_) if args.signer.any() || args.predicate_type.is_some() => Err(
            "the SLSA flags (--source-uri …) cannot be used with the signer flags \
             (--certificate-identity …, --key, --type)"
                .into(),
        ),
        Some(source) => args
            .source
            .policy(source)
            .map(|p| Policy::Slsa(p.for_images()))
            .map_err(|e| e.to_string()),
        None if slsa_only => Err("the SLSA flags require --source-uri".into()),
        None if !args.signer.any() => Err(
            "one of --source-uri (SLSA), --certificate-identity[-regexp] or --key is required"
                .into(),
        ),
        None => args.signer.policy(),
    }
}

fn report_success(args: &Args, name: &str, v: &VerifiedImage) {
    let bundle = v.verified();
    let provenance = bundle.provenance();
    if args.json {
        let json = serde_json::json!({
            "image": name,
            "digest": digest_string(v.digest()),
            "verified": true,
            "evidence": v.evidence_kind().name(),
            "identity": bundle.identity(),
            "issuer": bundle.issuer(),
            "docker_reference": v.docker_reference(),
            "predicate_type": bundle.payload().and_then(|(_, p)| predicate_type_of(p)),
            "builder_id": provenance.map(|p| p.builder_id()),
            "source_uri": provenance.map(|p| p.source_uri()),
            "source_commit": provenance.map(|p| p.source_commit()),
            "tag": provenance.and_then(|p| p.tag()),
            "branch": provenance.and_then(|p| p.branch()),
            "log_index": bundle.log_entries().first().map(|e| e.log_index),
            "integrated_time": bundle.integrated_time().map(|t| t.as_secs()),
        });
        println!("{json}");
    }
    match provenance {
        Some(p) => {
            if !args.json {
                println!(
                    "Verified image {name}: built by {} from {} (commit {}){}",
                    p.builder_id(),
                    p.source_uri(),
                    p.source_commit(),
                    p.tag().map(|t| format!(", tag {t}")).unwrap_or_default(),
                );
            }
            if args.print_provenance {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(p.statement());
                let _ = out.write_all(b"\n");
            }
        }
        None if !args.json => {
            let signer = match (bundle.identity(), bundle.issuer()) {
                (Some(id), Some(iss)) => format!("{id} (issuer {iss})"),
                (Some(id), None) => id.to_string(),
                _ => "the given key".to_string(),
            };
            let what = match bundle.payload().and_then(|(_, p)| predicate_type_of(p)) {
                Some(t) if args.predicate_type.is_some() => format!("attestation ({t})"),
                _ => "signature".to_string(),
            };
            let index = bundle
                .log_entries()
                .first()
                .map(|e| format!(", log index {}", e.log_index))
                .unwrap_or_default();
            println!(
                "Verified OK: image {name}: {what} by {signer} ({}{index})",
                v.evidence_kind().name()
            );
        }
        None => {}
    }
}

/// The `predicateType` of a verified in-toto statement, for reporting.
fn predicate_type_of(statement: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(statement).ok()?;
    value.get("predicateType")?.as_str().map(str::to_string)
}

fn report_failure(args: &Args, name: &str, e: &Error, detail: &str) {
    let slsa_mode = args.source_uri.is_some();
    if args.json {
        let json = serde_json::json!({
            "image": name,
            "verified": false,
            "stage": e.stage().name(),
            "class": match e.class() {
                ErrorClass::Denied => "denied",
                ErrorClass::Undecided => "undecided",
            },
            "error": if slsa_mode { Some(slsa::error_name(e)) } else { None },
            "reason": detail,
        });
        println!("{json}");
    }
    if slsa_mode && e.class() == ErrorClass::Denied {
        eprintln!(
            "FAILED: SLSA verification failed: {}",
            super::describe_slsa_failure(e)
        );
    } else if e.class() == ErrorClass::Denied {
        eprintln!("edgeverify: verification failed: {name}: {detail}");
    } else {
        eprintln!("edgeverify: error: {detail}");
    }
}

fn report_unusable(args: &Args, message: &str) {
    if args.json {
        let json = serde_json::json!({
            "image": &args.image,
            "verified": false,
            "class": "undecided",
            "reason": message,
        });
        println!("{json}");
    }
    eprintln!("edgeverify: error: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "e0a0a765d690a5104331cfbac88ebbbf01736c1f87aaa3cd455c516a5ea586a5";

    #[test]
    fn an_image_is_named_by_its_digest() {
        for arg in [
            format!("ghcr.io/o/r@sha256:{HEX}"),
            format!("ghcr.io:5000/o/r:v1@sha256:{HEX}"),
            format!("sha256:{HEX}"),
        ] {
            let (d, name) = parse_image(&arg).unwrap();
            assert_eq!(digest_string(&d), format!("sha256:{HEX}"));
            assert_eq!(name, arg);
        }
        for bad in [
            String::from("ghcr.io/o/r:v1"),
            format!("ghcr.io/o/r@sha256:{}", HEX.to_uppercase()),
            format!("ghcr.io/o/r@sha512:{HEX}{HEX}"),
            format!("sha256:{}", &HEX[1..]),
        ] {
            assert!(parse_image(&bad).is_err(), "{bad}");
        }
    }
}
