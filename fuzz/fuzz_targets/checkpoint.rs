//! Checkpoints (C2SP signed notes): parse, then check the signatures against the logs of each
//! fixture trust root. A verified signature on fuzzed text would be a forgery, so the only
//! notes allowed to verify are byte-for-byte ones the seeds already contain.
#![no_main]

use edgeverify_core::__fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for root in edgeverify_fuzz::roots() {
        let _ = __fuzz::checkpoint(data, root);
    }
});
