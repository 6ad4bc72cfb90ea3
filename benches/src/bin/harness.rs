//! `bench-harness`: edgeverify's side of the peer comparison (`benches/compare/`), with the
//! protocol every peer harness there follows:
//!
//! `bench-harness once|warm ITERATIONS TRUSTED_ROOT BUNDLE ARTIFACT IDENTITY ISSUER`
//!
//! `once` verifies once (exit 0 verified, 1 rejected); `warm` loads the trust root once, then
//! parses the bundle and verifies ITERATIONS times (after 3 unmeasured runs) and prints
//! `median_us=…`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::ExitCode;
use std::time::Instant;

use edgeverify_core::{verify, Artifact, Bundle, CertificateIdentity, Policy, TrustRoot};

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    assert_eq!(
        a.len(),
        8,
        "usage: bench-harness once|warm N ROOT BUNDLE ARTIFACT ID ISSUER"
    );
    let iterations: usize = a[2].parse().unwrap();
    let mut root = TrustRoot::from_bytes(&std::fs::read(&a[3]).unwrap()).unwrap();
    if a[1] == "warm" {
        // A long-lived verifier (the daemon, a C API handle) holds the root this way.
        root.remember_chain_signatures();
    }
    let bundle_json = std::fs::read(&a[4]).unwrap();
    let artifact = std::fs::read(&a[5]).unwrap();
    let policy = Policy::Identity(CertificateIdentity::exact(&a[6], &a[7]).unwrap());
    let once = || {
        let bundle = Bundle::from_json(&bundle_json).map_err(|e| e.to_string())?;
        verify(&root, &bundle, Artifact::Bytes(&artifact), &policy).map_err(|e| e.to_string())
    };
    if a[1] == "once" {
        return match once() {
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        };
    }
    for _ in 0..3 {
        once().unwrap();
    }
    let mut times: Vec<f64> = (0..iterations)
        .map(|_| {
            let t = Instant::now();
            once().unwrap();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("median_us={:.1}", times[times.len() / 2]);
    println!("min_us={:.1}", times[0]);
    ExitCode::SUCCESS
}
