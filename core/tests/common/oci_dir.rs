//! An OCI image layout on disk as a `BlobSource`, for the integration tests (the agent has its
//! own, hardened one).

use std::fs;
use std::path::PathBuf;

use edgeverify_core::oci::{parse_digest, BlobSource, LayoutFile, SourceError};
use edgeverify_core::Digest;

pub struct OciDir(pub PathBuf);

impl BlobSource for OciDir {
    fn read(&mut self, file: LayoutFile<'_>, limit: usize) -> Result<Vec<u8>, SourceError> {
        let bytes = fs::read(self.0.join(file.path())).map_err(|_| SourceError::NotFound)?;
        if bytes.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(bytes)
    }

    fn list_blobs(&mut self, limit: usize) -> Result<Vec<(Digest, u64)>, SourceError> {
        let Ok(dir) = fs::read_dir(self.0.join("blobs/sha256")) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if let Some(d) = parse_digest(&format!("sha256:{name}")) {
                out.push((
                    d,
                    entry.metadata().map_err(|_| SourceError::Unreadable)?.len(),
                ));
            }
        }
        if out.len() > limit {
            return Err(SourceError::TooLarge);
        }
        Ok(out)
    }
}
