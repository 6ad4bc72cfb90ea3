//! An OCI image layout in a directory (`cosign save`, `skopeo copy … oci:`, `oras`), as the
//! core's [`BlobSource`]. Files are read within the core's limits, opened without blocking and
//! only if they are regular files; the core checks every blob against its digest.

use std::fs::{self, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use edgeverify_core::oci::{parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::Digest;

use crate::files::read_at_most;

/// A layout rooted at a directory. The last I/O failure is kept for the message, since the
/// core only learns that the layout "could not be read".
pub(crate) struct OciDir {
    root: PathBuf,
    pub(crate) last_error: Option<String>,
}

impl OciDir {
    pub(crate) fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            last_error: None,
        }
    }

    fn fail(&mut self, path: &Path, e: &io::Error) -> SourceError {
        if e.kind() == io::ErrorKind::NotFound {
            return SourceError::NotFound;
        }
        self.last_error = Some(format!("cannot read {}: {e}", path.display()));
        SourceError::Unreadable
    }
}

impl BlobSource for OciDir {
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
        let path = self.root.join(file.path());
        // Non-blocking, so that a FIFO planted in a layout cannot wedge the reader.
        let opened = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&path)
            .and_then(|f| f.metadata().map(|m| (f, m)));
        let (handle, meta) = match opened {
            Ok(found) => found,
            Err(e) => return Err(self.fail(&path, &e)),
        };
        if !meta.is_file() {
            return Err(SourceError::NotFound);
        }
        match read_at_most(handle, limit) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(SourceError::TooLarge),
            Err(e) => Err(self.fail(&path, &e)),
        }
    }

    fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
        let dir = self.root.join("blobs/sha256");
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.fail(&dir, &e)),
        };
        let mut blobs = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.fail(&dir, &e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let Some(digest) = parse_digest(&format!("sha256:{name}")) else {
                continue;
            };
            let meta = entry.metadata().map_err(|e| self.fail(&entry.path(), &e))?;
            if !meta.is_file() {
                continue;
            }
            if blobs.len() == limit {
                return Err(SourceError::TooLarge);
            }
            blobs.push((digest, meta.len()));
        }
        Ok(blobs)
    }
}
