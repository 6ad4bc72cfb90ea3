//! Bundle JSON (v0.1–v0.3) through the strict parser: any bytes, never a panic.
#![no_main]

use edgeverify_core::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_json(data) {
        let _ = (
            bundle.version(),
            bundle.is_dsse(),
            bundle.message_digest_algorithm(),
        );
    }
});
