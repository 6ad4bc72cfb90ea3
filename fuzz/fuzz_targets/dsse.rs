//! DSSE envelopes (JSON, first byte even) with their in-toto statement, or a bare in-toto
//! statement (first byte odd).
#![no_main]

use edgeverify_core::__fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [mode, rest @ ..] = data else {
        return;
    };
    if mode % 2 == 0 {
        let _ = __fuzz::dsse_envelope(rest);
    } else {
        let _ = __fuzz::statement(rest);
    }
});
