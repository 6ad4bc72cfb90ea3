//! The thing being signed: bytes in memory, or a stream (a file of any size) read once.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::crypto::{Digests, HashAlg};
use crate::Error;

enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
    Reader(Box<dyn Read>),
}

/// An artifact to sign. Streams are read once, in fixed-size chunks, computing SHA-256,
/// SHA-384 and SHA-512 together: memory stays constant whatever the size.
pub struct Artifact {
    name: String,
    source: Source,
}

impl Artifact {
    /// In-memory bytes, named `name` (the in-toto subject name).
    pub fn bytes(name: &str, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.to_string(),
            source: Source::Bytes(data.into()),
        }
    }

    /// A file, streamed; its subject name is the file name.
    pub fn file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref().to_path_buf();
        Self {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "artifact".into()),
            source: Source::File(path),
        }
    }

    /// Any stream (for example generated content that is also being written to disk).
    pub fn reader(name: &str, reader: impl Read + 'static) -> Self {
        Self {
            name: name.to_string(),
            source: Source::Reader(Box::new(reader)),
        }
    }

    /// Reads the artifact once; streams get SHA-256 and `algs`, bytes get every digest.
    pub(crate) fn digest(self, algs: &[HashAlg]) -> Result<ArtifactInfo, Error> {
        match self.source {
            Source::Bytes(data) => Ok(ArtifactInfo {
                name: self.name,
                size: data.len() as u64,
                digests: Digests::of(&data),
                bytes: Some(data),
                path: None,
            }),
            Source::File(path) => {
                let file = File::open(&path)
                    .map_err(|e| Error::msg(format!("cannot open {}: {e}", path.display())))?;
                let (digests, size) = Digests::of_reader(file, algs)?;
                Ok(ArtifactInfo {
                    name: self.name,
                    size,
                    digests,
                    bytes: None,
                    path: Some(path),
                })
            }
            Source::Reader(reader) => {
                let (digests, size) = Digests::of_reader(reader, algs)?;
                Ok(ArtifactInfo {
                    name: self.name,
                    size,
                    digests,
                    bytes: None,
                    path: None,
                })
            }
        }
    }
}

/// What is known about a signed artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactInfo {
    /// Its name (the in-toto subject name).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its digests.
    pub digests: Digests,
    /// Its bytes, when it was given in memory.
    pub bytes: Option<Vec<u8>>,
    /// Its path, when it was given as a file.
    pub path: Option<PathBuf>,
}

/// Deterministic pseudo-random content of any size, for large test artifacts that need not
/// be stored: a 1 MiB pool derived from a label (SHA-512 in counter mode), emitted as
/// successive copies of the pool, each rotated by an offset derived from its index, so that
/// no two MiB in a row are equal. Implements [`Read`]; costs no more than a memory copy.
pub struct GeneratedContent {
    pool: Vec<u8>,
    remaining: u64,
    block: u64,
    offset: usize,
}

const POOL: usize = 1 << 20;

impl GeneratedContent {
    /// `size` bytes determined by `label`.
    pub fn new(label: &str, size: u64) -> Self {
        let mut pool = Vec::with_capacity(POOL);
        let mut counter = 0u64;
        while pool.len() < POOL {
            let mut input = label.as_bytes().to_vec();
            input.extend_from_slice(&counter.to_be_bytes());
            pool.extend_from_slice(&HashAlg::Sha512.digest(&input));
            counter += 1;
        }
        Self {
            pool,
            remaining: size,
            block: 0,
            offset: 0,
        }
    }

    /// Where block `index` starts in the pool (a Fibonacci-hash rotation).
    fn rotation(index: u64) -> usize {
        (index.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 44) as usize % POOL
    }
}

impl Read for GeneratedContent {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() && self.remaining > 0 {
            if self.offset == POOL {
                self.block += 1;
                self.offset = 0;
            }
            let start = (Self::rotation(self.block) + self.offset) % POOL;
            // Up to the end of the pool, of the block, of the buffer and of the content.
            let want = (POOL - start)
                .min(POOL - self.offset)
                .min(buf.len() - written)
                .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
            if let (Some(dst), Some(src)) = (
                buf.get_mut(written..written + want),
                self.pool.get(start..start + want),
            ) {
                dst.copy_from_slice(src);
            }
            written += want;
            self.offset += want;
            self.remaining -= want as u64;
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_content_is_deterministic_and_sized() {
        let mut a = Vec::new();
        GeneratedContent::new("x", 100_003)
            .read_to_end(&mut a)
            .unwrap();
        let mut b = Vec::new();
        GeneratedContent::new("x", 100_003)
            .read_to_end(&mut b)
            .unwrap();
        assert_eq!(a.len(), 100_003);
        assert_eq!(a, b);
        let mut c = Vec::new();
        GeneratedContent::new("y", 100_003)
            .read_to_end(&mut c)
            .unwrap();
        assert_ne!(a, c);
    }
}
