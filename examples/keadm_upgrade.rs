//! How `keadm upgrade` (or any KubeEdge node-side installer) would gate a release artifact on
//! its SLSA provenance, offline, before extracting it.
//!
//! KubeEdge ≥ v1.21 attaches `multiple.intoto.jsonl` to every release: a Sigstore bundle v0.3
//! from slsa-github-generator's generic generator v2.1.0 whose in-toto statement lists the
//! SHA-256 of each tarball. The installer streams the downloaded tarball through SHA-256,
//! verifies the bundle against the pinned public-good trust root, and checks that the builder
//! is the trusted generator, the source is `github.com/kubeedge/kubeedge` and the tag is the
//! version being installed. Only then does it extract anything.
//!
//! ```sh
//! cargo run -p edgeverify-agent --example keadm_upgrade -- \
//!   examples/artifacts/binary-linux-amd64 examples/artifacts/binary-linux-amd64.intoto.jsonl \
//!   github.com/slsa-framework/example-package --branch main
//! # a real KubeEdge release (not shipped here) would be:
//! #   kubeedge-v1.23.1-linux-arm64.tar.gz multiple.intoto.jsonl github.com/kubeedge/kubeedge --tag v1.23.1
//! ```
//! Exit status: 0 install allowed, 1 refused, 2 usage or I/O error.

use std::fs::File;
use std::process::ExitCode;

use edgeverify_core::slsa::{self, SlsaPolicy};
use edgeverify_core::{verify, Artifact, Bundle, HashAlgorithm, Hasher, Policy, TrustRoot};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (tarball, provenance, source, constraint) = match args.as_slice() {
        [t, p, s, flag, value] if flag == "--tag" || flag == "--branch" => {
            (t, p, s, Some((flag.as_str(), value.as_str())))
        }
        [t, p, s] => (t, p, s, None),
        _ => {
            eprintln!("usage: keadm_upgrade TARBALL PROVENANCE SOURCE_URI [--tag V | --branch B]");
            return ExitCode::from(2);
        }
    };
    match check(tarball, provenance, source, constraint) {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err((code, message)) => {
            eprintln!("upgrade refused: {message}");
            ExitCode::from(code)
        }
    }
}

fn check(
    tarball: &str,
    provenance: &str,
    source: &str,
    constraint: Option<(&str, &str)>,
) -> Result<String, (u8, String)> {
    let io = |e: std::io::Error| (2, e.to_string());
    // 1. The trust root is pinned in the binary: nothing is fetched.
    let root = TrustRoot::embedded_production().map_err(|e| (2, e.to_string()))?;
    // 2. The provenance file (bounded read) and the artifact digest (streamed, any size).
    let json = std::fs::read(provenance).map_err(io)?;
    let bundle = Bundle::from_json(&json).map_err(|e| (1, e.to_string()))?;
    let mut hasher = Hasher::new(HashAlgorithm::Sha256);
    std::io::copy(&mut File::open(tarball).map_err(io)?, &mut hasher).map_err(io)?;
    let digest = hasher.finish();
    // 3. What the operator expects: this repository, this release.
    let denied = |e: slsa::SlsaError| (2, e.to_string());
    let mut policy = SlsaPolicy::new(source).map_err(denied)?;
    policy = match constraint {
        Some(("--tag", tag)) => policy.with_source_tag(tag).map_err(denied)?,
        Some((_, branch)) => policy.with_source_branch(branch).map_err(denied)?,
        None => policy,
    };
    // 4. One call: tlog evidence, certificate at the signed time, SCT, DSSE signature,
    //    subject digest, trusted builder, source, tag.
    let verified = verify(
        &root,
        &bundle,
        Artifact::Digests(&[digest]),
        &Policy::Slsa(policy),
    )
    .map_err(|e| (1, format!("{}: {e}", slsa::error_name(&e))))?;
    let p = verified
        .provenance()
        .ok_or((1, "no provenance".to_string()))?;
    Ok(format!(
        "OK to install {tarball}: built by {} from {} at commit {}",
        p.builder_id(),
        p.source_uri(),
        p.source_commit()
    ))
}
