//! Hashing: artifacts streamed from disk (never held whole in memory), and the SHA-256 of
//! bytes already in memory (evidence, the policy file, the cache file's body).

use std::io::{self, Read, Write};
use std::path::Path;

use edgeverify_core::{Digest, HashAlgorithm, Hasher};

use crate::files;

/// Read buffer for streaming an artifact. No larger than Linux's default readahead window
/// (`read_ahead_kb` = 128): reads above it cost the kernel several times more (1 GiB from the
/// page cache, x86_64: 0.40–0.52 s of system time with 160 KiB–1 MiB reads, 0.05–0.09 s with
/// 64–128 KiB; BENCHMARKS.md), and the device's own readahead keeps an SD card streaming
/// whatever the read size.
const READ_BUFFER_BYTES: usize = 64 * 1024;

/// Artifacts up to this size are read whole instead of streamed (see [`read_small_or_hash`]):
/// no more memory than a verification holds anyway.
const WHOLE_READ_MAX_BYTES: usize = 256 * 1024;

/// Hashes an open file with every algorithm in `algorithms`, in one pass.
pub(crate) fn hash_reader(
    reader: impl Read,
    algorithms: &[HashAlgorithm],
) -> io::Result<Vec<Digest>> {
    match hash_bounded(reader, algorithms, &mut Bounds::default()) {
        Ok(d) => Ok(d),
        Err(HashError::Io(e)) => Err(e),
        Err(e) => Err(io::Error::other(e.to_string())),
    }
}

/// What bounds one hashing pass, and where the hashed bytes also go.
pub(crate) struct Bounds<'a> {
    /// Most bytes read; more is an error ([`HashError::TooLarge`]).
    pub(crate) limit: u64,
    /// Every byte hashed is also written here, in order (the exec gate's sealed copy: the
    /// bytes it executes are exactly the bytes it hashed).
    pub(crate) copy_to: Option<&'a mut dyn Write>,
    /// Asked every few MiB: stop when it says so (the client went away, the daemon stops).
    pub(crate) cancelled: Option<&'a dyn Fn() -> bool>,
}

impl Default for Bounds<'_> {
    fn default() -> Self {
        Self {
            limit: u64::MAX,
            copy_to: None,
            cancelled: None,
        }
    }
}

/// Why hashing stopped without a digest.
#[derive(Debug)]
pub(crate) enum HashError {
    Io(io::Error),
    /// More than the limit (the file grew, or was larger than its metadata said).
    TooLarge(u64),
    Cancelled,
}

impl core::fmt::Display for HashError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::TooLarge(limit) => write!(f, "more than {limit} bytes"),
            Self::Cancelled => {
                f.write_str("cancelled (the client went away or the daemon is stopping)")
            }
        }
    }
}

/// Chunks between two `cancelled` questions (64 × 64 KiB = 4 MiB).
const CHUNKS_PER_CANCEL_CHECK: u32 = 64;

/// [`hash_reader`] within `bounds`.
pub(crate) fn hash_bounded(
    mut reader: impl Read,
    algorithms: &[HashAlgorithm],
    bounds: &mut Bounds<'_>,
) -> Result<Vec<Digest>, HashError> {
    let mut hashers: Vec<Hasher> = Vec::new();
    for alg in algorithms {
        if !hashers.iter().any(|h| h.algorithm() == *alg) {
            hashers.push(Hasher::new(*alg));
        }
    }
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    let mut total = 0u64;
    let mut chunks = 0u32;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(HashError::Io(e)),
        };
        total = total.saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
        if total > bounds.limit {
            return Err(HashError::TooLarge(bounds.limit));
        }
        let chunk = buf.get(..n).unwrap_or_default();
        for h in &mut hashers {
            h.update(chunk);
        }
        if let Some(out) = bounds.copy_to.as_mut() {
            out.write_all(chunk).map_err(HashError::Io)?;
        }
        chunks += 1;
        if chunks % CHUNKS_PER_CANCEL_CHECK == 0 && bounds.cancelled.is_some_and(|c| c()) {
            return Err(HashError::Cancelled);
        }
    }
    Ok(hashers.into_iter().map(Hasher::finish).collect())
}

/// An artifact read for verification: whole if it is small, else its digests.
pub(crate) enum ReadArtifact {
    Bytes(Vec<u8>),
    Digests(Vec<Digest>),
}

/// The file at `path` whole when it is at most [`WHOLE_READ_MAX_BYTES`], because verifying from the bytes lets ring check a P-256 signature (ring
/// hashes the message itself), about 0.25 ms faster than the RustCrypto check from a digest
/// (`BENCHMARKS.md`); larger files are streamed and hashed with every algorithm in
/// `algorithms` ([`hash_reader`]). One open file either way.
pub(crate) fn read_small_or_hash(
    path: &Path,
    algorithms: &[HashAlgorithm],
) -> io::Result<ReadArtifact> {
    if files::is_stdin(path) {
        return hash_reader(io::stdin().lock(), algorithms).map(ReadArtifact::Digests);
    }
    let (mut file, _) = files::open_regular(path)?;
    let small = file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() <= WHOLE_READ_MAX_BYTES as u64);
    if !small {
        return hash_reader(file, algorithms).map(ReadArtifact::Digests);
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(WHOLE_READ_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() <= WHOLE_READ_MAX_BYTES {
        return Ok(ReadArtifact::Bytes(bytes));
    }
    // It grew after the size check: hash what was read and the rest.
    hash_reader(io::Cursor::new(bytes).chain(file), algorithms).map(ReadArtifact::Digests)
}

/// Hashes the regular file at `path`, or standard input for `-` (see [`hash_reader`]; a
/// FIFO or device is refused unopened, so that `/dev/zero` cannot keep it hashing forever).
pub(crate) fn hash_file(path: &Path, algorithms: &[HashAlgorithm]) -> io::Result<Vec<Digest>> {
    if files::is_stdin(path) {
        return hash_reader(io::stdin().lock(), algorithms);
    }
    hash_reader(files::open_regular(path)?.0, algorithms)
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = HashAlgorithm::Sha256.digest(bytes);
    let mut out = [0u8; 32];
    // A SHA-256 digest is 32 bytes, so the lengths match.
    out.copy_from_slice(d.as_bytes());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Up to the whole-read size comes back whole; one byte more is streamed, and its digests are
    /// those of the whole file.
    #[test]
    fn small_files_are_read_whole_and_larger_ones_hashed() {
        let dir = std::env::temp_dir().join(format!("edgeverify-artifact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let algs = [HashAlgorithm::Sha256, HashAlgorithm::Sha512];
        for len in [
            0,
            1,
            WHOLE_READ_MAX_BYTES,
            WHOLE_READ_MAX_BYTES + 1,
            3 * WHOLE_READ_MAX_BYTES,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = dir.join(format!("a{len}"));
            std::fs::write(&path, &data).unwrap();
            match read_small_or_hash(&path, &algs).unwrap() {
                ReadArtifact::Bytes(bytes) => {
                    assert!(len <= WHOLE_READ_MAX_BYTES, "{len} bytes read whole");
                    assert_eq!(bytes, data);
                }
                ReadArtifact::Digests(digests) => {
                    assert!(len > WHOLE_READ_MAX_BYTES, "{len} bytes hashed");
                    let expect: Vec<Digest> = algs.iter().map(|a| a.digest(&data)).collect();
                    assert_eq!(digests, expect);
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
