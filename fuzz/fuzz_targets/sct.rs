//! Signed certificate timestamps: the TLS-encoded SCT list (first byte even), or a whole leaf
//! certificate (first byte odd) through the Fulcio profile checks, the precertificate rebuild
//! and SCT verification against a fixture trust root chosen by the second byte.
#![no_main]

use edgeverify_core::__fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [mode, selector, rest @ ..] = data else {
        return;
    };
    if mode % 2 == 0 {
        let _ = __fuzz::sct_list(rest);
    } else {
        let _ = __fuzz::embedded_scts(rest, edgeverify_fuzz::root_for(*selector));
    }
});
