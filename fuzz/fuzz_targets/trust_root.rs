//! `trusted_root.json` through the parser (keys, chains, validity windows).
#![no_main]

use edgeverify_core::TrustRoot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(root) = TrustRoot::from_json(data) {
        let _ = root.source_sha256();
    }
});
