//! The agent's policy file (`edgeverify exec`/`serve`): the TOML-subset parser, then the policy
//! loader (rules, globs, identity regexes, SLSA policies, trust-root reference and pin), from
//! the agent's library, and the check for rules an earlier rule shadows.
#![no_main]

use std::path::Path;

use edgeverify_agent::config::{self, toml_subset};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = toml_subset::parse(text) else {
        return;
    };
    // `[trust_root] path` makes the loader read that (absolute) file. It opens regular files
    // only (a FIFO or terminal there is refused, not opened), but a fuzzer reading arbitrary
    // files of the machine is pointless: such inputs stop at the syntax stage; the trust-root
    // parser has its own target.
    let names_a_file = doc
        .tables
        .iter()
        .flat_map(|(_, _, t)| &t.entries)
        .chain(&doc.top.entries)
        .any(|e| e.key == "path");
    if names_a_file {
        return;
    }
    if let Ok(cfg) = config::parse(Path::new("/nonexistent/edgeverify-fuzz/policy.toml"), text) {
        let _ = config::shadowed_globs(&cfg);
    }
});
