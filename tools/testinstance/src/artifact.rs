//! The thing being signed: bytes in memory, or a stream (a file of any size) read once.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::crypto::Digests;
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

    pub(crate) fn digest(self) -> Result<ArtifactInfo, Error> {
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
                let (digests, size) = Digests::of_reader(file)?;
                Ok(ArtifactInfo {
                    name: self.name,
                    size,
                    digests,
                    bytes: None,
                    path: Some(path),
                })
            }
            Source::Reader(reader) => {
                let (digests, size) = Digests::of_reader(reader)?;
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

/// Deterministic pseudo-random content (SHA-256 in counter mode over a label): large test
/// artifacts without storing them. Implements [`Read`].
pub struct GeneratedContent {
    label: Vec<u8>,
    remaining: u64,
    counter: u64,
    block: Vec<u8>,
    offset: usize,
}

impl GeneratedContent {
    /// `size` bytes determined by `label`.
    pub fn new(label: &str, size: u64) -> Self {
        Self {
            label: label.as_bytes().to_vec(),
            remaining: size,
            counter: 0,
            block: Vec::new(),
            offset: 0,
        }
    }
}

impl Read for GeneratedContent {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while written < buf.len() && self.remaining > 0 {
            if self.offset >= self.block.len() {
                // 8 KiB per refill: one SHA-512 per 64 bytes would be slow for 1 GiB, so each
                // hash seeds a cheap xorshift stream.
                let seed = crate::crypto::HashAlg::Sha256
                    .digest(&[&self.label[..], &self.counter.to_be_bytes()].concat());
                self.counter += 1;
                let mut state = u64::from_be_bytes(
                    seed.get(..8)
                        .and_then(|s| s.try_into().ok())
                        .unwrap_or([1; 8]),
                ) | 1;
                self.block.clear();
                for _ in 0..1024 {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    self.block.extend_from_slice(&state.to_le_bytes());
                }
                self.offset = 0;
            }
            let available = self.block.len() - self.offset;
            let want = (buf.len() - written)
                .min(available)
                .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
            if let (Some(dst), Some(src)) = (
                buf.get_mut(written..written + want),
                self.block.get(self.offset..self.offset + want),
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
