//! The interoperability cases of issue 12, as every front end's test reads them (the core's,
//! the CLI's and the C API's driver include this file): case directories under
//! `core/tests/data/{interop,testinstance}` with sigstore-go's verdict in `expectation.json`,
//! and `interop/DIFFERENCES.tsv`, the deliberate differences. Only std and serde_json.

#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// One case directory, named by its path under the data directory (`staging/rekor2-dsse`…).
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    /// `expectation.json`'s `sigstore_go` object.
    pub go: Value,
}

/// Every case under `data/<top>` for each top, sorted by name.
pub fn cases(data: &Path, tops: &[&str]) -> Vec<Case> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = tops.iter().map(|t| data.join(t)).collect();
    while let Some(dir) = stack.pop() {
        if dir.join("expectation.json").exists() {
            let e: Value =
                serde_json::from_slice(&fs::read(dir.join("expectation.json")).unwrap()).unwrap();
            let name = dir
                .strip_prefix(data)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push(Case {
                name,
                dir,
                go: e["sigstore_go"].clone(),
            });
        } else if dir.is_dir() {
            stack.extend(fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()));
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

impl Case {
    /// A small text file of the case, trimmed.
    pub fn read(&self, file: &str) -> Option<String> {
        fs::read_to_string(self.dir.join(file))
            .ok()
            .map(|s| s.trim().to_string())
    }

    pub fn has_artifact(&self) -> bool {
        self.dir.join("artifact").exists()
    }

    /// `(input, sigstore-go verified it)`: `file` for the artifact, `sha256`… for one digest.
    pub fn inputs(&self) -> Vec<(String, bool)> {
        let verified = |v: &Value| match v.as_str() {
            Some("verified") => true,
            Some("rejected") => false,
            other => panic!("{}: verdict {other:?}", self.name),
        };
        let mut out = Vec::new();
        if self.has_artifact() {
            out.push(("file".to_string(), verified(&self.go["verdict"])));
        }
        let per_digest = self.go["digest_verdicts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for d in &per_digest {
            out.push((
                d["algorithm"].as_str().unwrap().to_string(),
                verified(&d["verdict"]),
            ));
        }
        // Rejected with the artifact is rejected with its digest: less to go on cannot make
        // a bundle verify.
        if !verified(&self.go["verdict"]) && per_digest.is_empty() {
            out.push(("sha256".to_string(), false));
        }
        assert!(!out.is_empty(), "{}: no input to judge", self.name);
        out
    }

    /// The `alg:<hex>` line of `artifact.digests` for `alg`.
    pub fn listed_digest(&self, alg: &str) -> Option<String> {
        self.read("artifact.digests")?
            .lines()
            .find(|l| l.starts_with(&format!("{alg}:")))
            .map(str::to_string)
    }
}

/// `(case, input, edgeverify's verdict)` of every deliberate difference.
pub fn differences(data: &Path) -> BTreeSet<(String, String, bool)> {
    fs::read_to_string(data.join("interop/DIFFERENCES.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "DIFFERENCES.tsv: {l}");
            assert!(
                !cols[3].trim().is_empty(),
                "a difference needs its reason: {l}"
            );
            let ours = match cols[2] {
                "verified" => true,
                "rejected" => false,
                other => panic!("DIFFERENCES.tsv: verdict {other}"),
            };
            (cols[0].to_string(), cols[1].to_string(), ours)
        })
        .collect()
}

/// edgeverify's expected verdict: sigstore-go's, unless DIFFERENCES.tsv says otherwise.
pub fn expected(
    differences: &BTreeSet<(String, String, bool)>,
    case: &str,
    input: &str,
    go: bool,
) -> bool {
    differences
        .iter()
        .find(|(c, i, _)| c == case && i == input)
        .map_or(go, |(_, _, ours)| *ours)
}
