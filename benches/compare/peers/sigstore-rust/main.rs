//! sigstore-rust (crates.io `sigstore-verify`) behind the comparison protocol:
//! `harness once|warm N TRUSTED_ROOT BUNDLE ARTIFACT IDENTITY ISSUER`.
use std::process::ExitCode;
use std::time::Instant;

use sigstore_verify::trust_root::TrustedRoot;
use sigstore_verify::types::Bundle;
use sigstore_verify::{VerificationPolicy, Verifier};

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    let iterations: usize = a[2].parse().unwrap();
    let root = TrustedRoot::from_json(&std::fs::read_to_string(&a[3]).unwrap()).unwrap();
    let bundle_json = std::fs::read_to_string(&a[4]).unwrap();
    let artifact = std::fs::read(&a[5]).unwrap();
    let policy = VerificationPolicy::any_identity()
        .require_identity(a[6].as_str())
        .require_issuer(a[7].as_str());
    let verifier = Verifier::new(&root).unwrap();
    let once = || -> Result<(), String> {
        let bundle = Bundle::from_json(&bundle_json).map_err(|e| e.to_string())?;
        verifier
            .verify(artifact.as_slice(), &bundle, &policy)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    if a[1] == "once" {
        return match once() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        };
    }
    for _ in 0..3 {
        once().unwrap();
    }
    let mut t: Vec<f64> = (0..iterations)
        .map(|_| {
            let s = Instant::now();
            once().unwrap();
            s.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    println!("median_us={:.1}", t[t.len() / 2]);
    println!("min_us={:.1}", t[0]);
    ExitCode::SUCCESS
}
