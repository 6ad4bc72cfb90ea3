//! Hashing: artifacts streamed from disk (never held whole in memory), and the SHA-256 of
//! bytes already in memory (evidence, the policy file, the cache file's body).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use edgeverify_core::{Digest, HashAlgorithm, Hasher};

/// Read buffer: large enough for SD-card throughput, small enough for any device.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// Hashes an open file with every algorithm in `algorithms`, in one pass.
pub(crate) fn hash_reader(
    mut reader: impl Read,
    algorithms: &[HashAlgorithm],
) -> io::Result<Vec<Digest>> {
    let mut hashers: Vec<Hasher> = Vec::new();
    for alg in algorithms {
        if !hashers.iter().any(|h| h.algorithm() == *alg) {
            hashers.push(Hasher::new(*alg));
        }
    }
    let mut buf = vec![0u8; READ_BUFFER_BYTES];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        for h in &mut hashers {
            h.update(chunk);
        }
    }
    Ok(hashers.into_iter().map(Hasher::finish).collect())
}

/// Hashes the file at `path` (see [`hash_reader`]).
pub(crate) fn hash_file(path: &Path, algorithms: &[HashAlgorithm]) -> io::Result<Vec<Digest>> {
    hash_reader(File::open(path)?, algorithms)
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = HashAlgorithm::Sha256.digest(bytes);
    let mut out = [0u8; 32];
    // A SHA-256 digest is 32 bytes, so the lengths match.
    out.copy_from_slice(d.as_bytes());
    out
}
