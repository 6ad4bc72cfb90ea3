//! The whole pipeline on hostile bytes: `[case selector][bundle JSON]`, verified against the
//! selected fixture's trust root, artifact (as bytes, or as its SHA-256 when the selector's
//! high bit is set) and policy. Seeded with the valid fixture bundles, so libFuzzer's byte
//! mutations explore near-valid bundles deep into every stage.
#![no_main]

use edgeverify_core::{verify, Artifact, Bundle, HashAlgorithm};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [selector, json @ ..] = data else {
        return;
    };
    let case = edgeverify_fuzz::case(selector & 0x7f);
    let Ok(bundle) = Bundle::from_json(json) else {
        return;
    };
    let digest = [HashAlgorithm::Sha256.digest(case.artifact)];
    let artifact = if selector & 0x80 == 0 {
        Artifact::Bytes(case.artifact)
    } else {
        Artifact::Digests(&digest)
    };
    if let Ok(verified) = verify(&case.root, &bundle, artifact, &case.policy) {
        // Whatever was accepted is about this artifact.
        if let Some(d) = verified.artifact_sha256() {
            assert_eq!(d, &digest[0]);
        }
    }
});
