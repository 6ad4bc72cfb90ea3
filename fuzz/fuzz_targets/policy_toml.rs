//! The agent's policy file (`edgeverify exec`/`serve`): the TOML-subset parser, then the policy
//! loader (rules, globs, identity regexes, SLSA policies, trust-root reference and pin). The
//! agent is a binary crate, so its modules are compiled in here from their source files.
#![no_main]
#![allow(dead_code, unreachable_pub, clippy::all)]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

#[path = "../../agent/src/glob.rs"]
mod glob;
#[path = "../../agent/src/policy_file.rs"]
mod policy_file;
#[path = "../../agent/src/toml_subset.rs"]
mod toml_subset;
#[path = "../../agent/src/trust.rs"]
mod trust;

/// Stand-in for the agent's exit outcome (used by `policy check`, which is not fuzzed).
pub(crate) enum Outcome {
    Verified,
    Rejected,
    Unusable,
}

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
    let _ = policy_file::parse(Path::new("/nonexistent/edgeverify-fuzz/policy.toml"), text);
});
