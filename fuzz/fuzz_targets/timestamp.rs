//! RFC 3161 responses: `[root selector][signature length][signature][TimeStampResp DER]`, the
//! response verified over the signature bytes against the selected fixture trust root.
#![no_main]

use edgeverify_core::__fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [selector, sig_len, rest @ ..] = data else {
        return;
    };
    let (signature, response) = rest.split_at(usize::from(*sig_len).min(rest.len()));
    let _ = __fuzz::timestamp(response, signature, edgeverify_fuzz::root_for(*selector));
});
