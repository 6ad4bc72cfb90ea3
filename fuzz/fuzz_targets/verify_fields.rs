//! Structure-aware: take a valid fixture bundle, change one signed or bound field (decoded
//! bytes for base64 fields, the value for integers, the text otherwise) or the artifact, and
//! verify. Every such mutant must be rejected: an accepted one is a forged verification and
//! aborts the run. Fields that are not bound by design (the `publicKey` hint, DSSE `keyid`,
//! witness lines of a checkpoint, the unsigned parts of an RFC 3161 token) are still mutated,
//! but only checked for crashes.
//!
//! Input: `[case][site][operation][position (2 bytes)][operand...]`.
#![no_main]

use base64::Engine as _;
use edgeverify_core::{verify, Artifact, Bundle};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// JSON keys whose string values are base64 `bytes`.
const BASE64_KEYS: &[&str] = &[
    "rawBytes",
    "signature",
    "payload",
    "sig",
    "signedEntryTimestamp",
    "keyId",
    "rootHash",
    "hashes",
    "canonicalizedBody",
    "digest",
    "signedTimestamp",
];
/// JSON keys whose string values are decimal integers.
const INTEGER_KEYS: &[&str] = &["logIndex", "integratedTime", "treeSize"];

/// Where a leaf value sits: its path of keys (array indices as their last key).
struct Site {
    path: Vec<PathStep>,
    key: String,
    bound: bool,
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn collect(v: &Value, path: &mut Vec<PathStep>, key: &str, bound: bool, out: &mut Vec<Site>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                // Unbound by design: the key hint, the DSSE key ID, the media type (two
                // spellings of v0.3 are one version), and RFC 3161 tokens (their certificate
                // set and status text are not signed).
                let child_bound = bound
                    && !matches!(k.as_str(), "hint" | "keyid" | "mediaType")
                    && k != "timestampVerificationData";
                path.push(PathStep::Key(k.clone()));
                collect(child, path, k, child_bound, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                collect(child, path, key, bound, out);
                path.pop();
            }
        }
        Value::String(_) | Value::Number(_) => out.push(Site {
            path: path.clone(),
            key: key.to_string(),
            bound,
        }),
        Value::Null | Value::Bool(_) => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in path {
        cur = match step {
            PathStep::Key(k) => cur.get_mut(k.as_str())?,
            PathStep::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

/// Changes `bytes`; returns false when the operation left them unchanged.
fn mutate_bytes(bytes: &mut Vec<u8>, op: u8, pos: usize, operand: &[u8]) -> bool {
    let before = bytes.clone();
    match op % 4 {
        0 if !bytes.is_empty() => {
            let i = pos % bytes.len();
            let mask = operand.first().copied().filter(|m| *m != 0).unwrap_or(1);
            bytes[i] ^= mask;
        }
        1 if !bytes.is_empty() => bytes.truncate(pos % bytes.len()),
        2 => bytes.extend_from_slice(if operand.is_empty() { b"\0" } else { operand }),
        _ => *bytes = operand.to_vec(),
    }
    *bytes != before
}

fuzz_target!(|data: &[u8]| {
    let [case, site, op, p0, p1, operand @ ..] = data else {
        return;
    };
    let case = edgeverify_fuzz::case(*case);
    let pos = usize::from(u16::from_le_bytes([*p0, *p1]));
    let original_json = parsed(case);
    let mut json = original_json.clone();
    let mut sites = Vec::new();
    collect(&json, &mut Vec::new(), "", true, &mut sites);

    // One extra site past the JSON ones: the artifact itself.
    let index = usize::from(*site) % (sites.len() + 1);
    let mut artifact = case.artifact.to_vec();
    let mut must_reject = true;
    let Some(site) = sites.get(index) else {
        if !mutate_bytes(&mut artifact, *op, pos, operand) {
            return;
        }
        check(case, &json, &artifact, must_reject);
        return;
    };
    must_reject &= site.bound;
    let Some(slot) = get_mut(&mut json, &site.path) else {
        return;
    };
    let engine = &base64::engine::general_purpose::STANDARD;
    match slot {
        Value::String(text) if BASE64_KEYS.contains(&site.key.as_str()) => {
            let Ok(mut bytes) = engine.decode(text.as_bytes()) else {
                return;
            };
            if !mutate_bytes(&mut bytes, *op, pos, operand) {
                return;
            }
            *text = engine.encode(&bytes);
        }
        Value::String(text) if INTEGER_KEYS.contains(&site.key.as_str()) => {
            let Ok(n) = text.parse::<u64>() else {
                return;
            };
            let delta = u64::from_le_bytes({
                let mut b = [0u8; 8];
                for (d, s) in b.iter_mut().zip(operand) {
                    *d = *s;
                }
                b
            });
            let changed = n.wrapping_add(delta.max(1));
            *text = changed.to_string();
        }
        Value::String(text) => {
            let mut bytes = text.clone().into_bytes();
            if !mutate_bytes(&mut bytes, *op, pos, operand) {
                return;
            }
            *text = String::from_utf8_lossy(&bytes).into_owned();
            let original = site_original(original_json, site);
            if *text == original {
                return;
            }
            // Checkpoint notes: the log signs the body (up to the blank line). Signature lines
            // may change without harm when they are not the log's (witness cosignatures), so
            // only a changed body is required to fail.
            if site.key == "envelope" {
                let body = |t: &str| t.find("\n\n").map(|i| t[..i].to_string());
                must_reject &= body(text) != body(&original);
            }
        }
        Value::Number(n) => {
            let Some(v) = n.as_u64() else {
                return;
            };
            *slot = Value::from(v.wrapping_add(u64::from(*op).max(1)));
        }
        _ => return,
    }
    check(case, &json, &artifact, must_reject);
});

fn site_original(json: &Value, site: &Site) -> String {
    let mut json = json.clone();
    get_mut(&mut json, &site.path)
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The fixture bundles as JSON values, parsed once.
fn parsed(case: &edgeverify_fuzz::Case) -> &'static Value {
    static PARSED: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    let all = PARSED.get_or_init(|| {
        edgeverify_fuzz::cases()
            .iter()
            .map(|c| serde_json::from_slice(c.bundle).expect("fixture is JSON"))
            .collect()
    });
    let index = edgeverify_fuzz::cases()
        .iter()
        .position(|c| c.name == case.name)
        .expect("case is a fixture");
    &all[index]
}

fn check(case: &edgeverify_fuzz::Case, json: &Value, artifact: &[u8], must_reject: bool) {
    let bytes = serde_json::to_vec(json).expect("serialises");
    let Ok(bundle) = Bundle::from_json(&bytes) else {
        return;
    };
    let result = verify(&case.root, &bundle, Artifact::Bytes(artifact), &case.policy);
    if must_reject {
        if let Ok(v) = result {
            panic!(
                "mutant of {} accepted: {:?}\n{}",
                case.name,
                v.log_entries(),
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}
