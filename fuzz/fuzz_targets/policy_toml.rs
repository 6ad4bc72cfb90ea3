//! The agent's policy file (`edgeverify exec`/`serve`): the TOML-subset parser, then the policy
//! loader (rules, globs, identity regexes, SLSA policies, trust-root reference and pin), from
//! the agent's library.
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
    // `[trust_root] path` makes the loader open that (absolute) file: a fuzzed path could name
    // a FIFO or a terminal and block. Such inputs stop at the syntax stage; the trust-root
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
    let _ = config::parse(Path::new("/nonexistent/edgeverify-fuzz/policy.toml"), text);
});
