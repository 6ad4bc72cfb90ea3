//! Evidence lookup: where the bundle for a program is found (the rule's `provenance`
//! templates, tried in order) and reading it within the bundle limit.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

use edgeverify_core::limits;

use crate::config::{expand_template, Rule};
use crate::files;

/// Bundles larger than this are refused (the core limit).
pub(crate) const MAX_EVIDENCE_BYTES: usize = limits::MAX_BUNDLE_BYTES;

/// The first evidence location of `rule` that exists for `program`.
/// Evidence must be a regular file; anything else there (a FIFO, a device) is refused
/// without being opened. Returns an `O_PATH` handle (see [`read`]).
pub(super) fn find(rule: &Rule, program: &str) -> Result<(String, File, Metadata), String> {
    let mut tried = Vec::new();
    for template in &rule.evidence {
        let path = expand_template(template, program);
        match files::open_path(Path::new(&path)) {
            Ok((handle, meta)) => return Ok((path, handle, meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => tried.push(path),
            Err(e) => return Err(format!("cannot open evidence {path}: {e}")),
        }
    }
    Err(format!("no evidence found (tried {})", tried.join(", ")))
}

/// The evidence found at `path` (open as `handle` with metadata `meta`), at most
/// [`MAX_EVIDENCE_BYTES`].
pub(super) fn read(handle: &File, meta: &Metadata, path: &str) -> Result<Vec<u8>, String> {
    let file =
        files::reopen(handle, meta).map_err(|e| format!("cannot open evidence {path}: {e}"))?;
    match files::read_at_most_sized(&file, MAX_EVIDENCE_BYTES, meta.len()) {
        Ok(Some(data)) => Ok(data),
        Ok(None) => Err(format!(
            "evidence {path} is larger than {MAX_EVIDENCE_BYTES} bytes"
        )),
        Err(e) => Err(format!("cannot read evidence {path}: {e}")),
    }
}
