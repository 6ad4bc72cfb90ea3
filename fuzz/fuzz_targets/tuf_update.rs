//! A TUF trust-root update (`verify_update`) with one file of Sigstore's real 2026-08-21
//! repository replaced by the input: the first byte chooses which (timestamp, snapshot,
//! targets, 14.root.json, root.json, the target, or the persisted state or trusted root the
//! update starts from). Invariant: whatever verifies yields exactly the signed
//! `trusted_root.json`, and the state it returns loads again.
#![no_main]

use edgeverify_core::{verify_update, ReadFailed, TimePolicy, TufState};
use libfuzzer_sys::fuzz_target;

macro_rules! vector {
    ($rel:literal) => {
        include_bytes!(concat!(
            "../../core/tests/data/tuf/sigstore-production/",
            $rel
        ))
    };
}
const FILES: [(&str, &[u8]); 7] = [
    (
        "timestamp.json",
        vector!("2026-08-21/metadata/timestamp.json"),
    ),
    (
        "snapshot.json",
        vector!("2026-08-21/metadata/snapshot.json"),
    ),
    ("targets.json", vector!("2026-08-21/metadata/targets.json")),
    ("14.root.json", vector!("root_history/14.root.json")),
    ("root.json", vector!("2026-08-21/metadata/root.json")),
    (
        "targets/trusted_root.json",
        vector!("2026-08-21/targets/trusted_root.json"),
    ),
    ("15.root.json", vector!("root_history/15.root.json")),
];
const ROOT_13: &[u8] = vector!("root_history/13.root.json");
const TARGET: &[u8] = vector!("2026-08-21/targets/trusted_root.json");

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let state = match selector % 8 {
        6 => match TufState::from_json(input) {
            Ok(state) => state,
            Err(_) => return,
        },
        7 => match TufState::from_trusted_root(input) {
            Ok(state) => state,
            Err(_) => return,
        },
        _ => TufState::from_trusted_root(ROOT_13).expect("root v13 is self-signed"),
    };
    // Selectors 6 and 7 fuzz the starting state; the directory is then the real one.
    let replaced = usize::from(selector % 8);
    let mut source = |name: &str, _max_len: usize| -> Result<Option<Vec<u8>>, ReadFailed> {
        Ok(FILES
            .iter()
            .enumerate()
            .find(|(_, (n, _))| *n == name)
            .map(|(i, (_, bytes))| {
                if i == replaced && replaced < 6 {
                    input.to_vec()
                } else {
                    bytes.to_vec()
                }
            }))
    };
    if let Ok(update) = verify_update(&state, &mut source, TimePolicy::DangerSkipExpiryChecks) {
        assert_eq!(
            update.target(),
            TARGET,
            "a fuzzed file changed the verified target"
        );
        TufState::from_json(&update.state().to_json()).expect("a returned state loads again");
    }
});
