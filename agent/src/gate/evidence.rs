//! Evidence lookup: where the bundle for a program is found (the rule's `provenance`
//! templates, tried in order) and reading it within the bundle limit.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;

use edgeverify_core::limits;

use crate::config::{expand_template, Rule};
use crate::files;

/// Bundles larger than this are refused (the core limit).
pub(crate) const MAX_EVIDENCE_BYTES: usize = limits::MAX_BUNDLE_BYTES;

/// The first evidence location of `rule` that exists for `program`.
/// Evidence must be a regular file; it is opened without blocking, so a FIFO or device
/// placed there cannot wedge the caller.
pub(super) fn find(rule: &Rule, program: &str) -> Result<(String, File, Metadata), String> {
    let mut tried = Vec::new();
    for template in &rule.evidence {
        let path = expand_template(template, program);
        match OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
        {
            Ok(file) => {
                let meta = file
                    .metadata()
                    .map_err(|e| format!("cannot stat evidence {path}: {e}"))?;
                if !meta.is_file() {
                    return Err(format!("evidence {path} is not a regular file"));
                }
                return Ok((path, file, meta));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => tried.push(path),
            Err(e) => return Err(format!("cannot open evidence {path}: {e}")),
        }
    }
    Err(format!("no evidence found (tried {})", tried.join(", ")))
}

/// The evidence open as `file` (found at `path`), at most [`MAX_EVIDENCE_BYTES`].
pub(super) fn read(file: File, path: &str) -> Result<Vec<u8>, String> {
    match files::read_at_most(file, MAX_EVIDENCE_BYTES) {
        Ok(Some(data)) => Ok(data),
        Ok(None) => Err(format!(
            "evidence {path} is larger than {MAX_EVIDENCE_BYTES} bytes"
        )),
        Err(e) => Err(format!("cannot read evidence {path}: {e}")),
    }
}
