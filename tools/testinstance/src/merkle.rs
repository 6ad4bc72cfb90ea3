//! An RFC 6962 Merkle tree (SHA-256, leaf prefix 0x00, node prefix 0x01) holding every entry
//! a log ever integrated, with tree heads and inclusion proofs for any size.

use sha2::{Digest as _, Sha256};

/// RFC 6962 §2.1 leaf hash.
pub(crate) fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(leaf);
    h.finalize().into()
}

fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// The leaves of a log, as hashes.
#[derive(Clone, Debug, Default)]
pub(crate) struct MerkleTree {
    leaves: Vec<[u8; 32]>,
}

impl MerkleTree {
    /// Appends a leaf; returns its index.
    pub(crate) fn push(&mut self, leaf: &[u8]) -> u64 {
        self.leaves.push(leaf_hash(leaf));
        (self.leaves.len() - 1) as u64
    }

    pub(crate) fn size(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// MTH of the first `size` leaves (RFC 6962 §2.1). The empty tree hashes to SHA-256("").
    pub(crate) fn root(&self, size: u64) -> [u8; 32] {
        match self.leaves.get(..size as usize) {
            Some([]) | None => Sha256::digest([]).into(),
            Some(leaves) => mth(leaves),
        }
    }

    /// PATH(index, D[0:size]) (RFC 6962 §2.1.1), leaf to root.
    pub(crate) fn inclusion_proof(&self, index: u64, size: u64) -> Vec<[u8; 32]> {
        match self.leaves.get(..size as usize) {
            Some(leaves) if index < size => path(index as usize, leaves),
            _ => Vec::new(),
        }
    }
}

fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves {
        [] => Sha256::digest([]).into(),
        [one] => *one,
        _ => {
            let (l, r) = leaves.split_at(split(leaves.len()));
            node_hash(&mth(l), &mth(r))
        }
    }
}

fn path(index: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    if leaves.len() <= 1 {
        return Vec::new();
    }
    let k = split(leaves.len());
    let (l, r) = leaves.split_at(k);
    if index < k {
        let mut p = path(index, l);
        p.push(mth(r));
        p
    } else {
        let mut p = path(index - k, r);
        p.push(mth(l));
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9162 §2.1.3.2, written independently of `path` above.
    fn verify(index: u64, size: u64, leaf: [u8; 32], proof: &[[u8; 32]], root: [u8; 32]) -> bool {
        if index >= size {
            return false;
        }
        let (mut fn_, mut sn) = (index, size - 1);
        let mut r = leaf;
        for p in proof {
            if sn == 0 {
                return false;
            }
            if fn_ & 1 == 1 || fn_ == sn {
                r = node_hash(p, &r);
                if fn_ & 1 == 0 {
                    while fn_ & 1 == 0 && fn_ != 0 {
                        fn_ >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = node_hash(&r, p);
            }
            fn_ >>= 1;
            sn >>= 1;
        }
        sn == 0 && r == root
    }

    #[test]
    fn proofs_verify_for_every_leaf_and_size() {
        let mut t = MerkleTree::default();
        for i in 0..40u32 {
            t.push(&i.to_be_bytes());
        }
        for size in 1..=40u64 {
            let root = t.root(size);
            for index in 0..size {
                let leaf = leaf_hash(&(index as u32).to_be_bytes());
                let proof = t.inclusion_proof(index, size);
                assert!(verify(index, size, leaf, &proof, root), "{index}/{size}");
                assert!(!verify(index, size, leaf_hash(b"x"), &proof, root));
            }
        }
    }

    #[test]
    fn known_answer_rfc6962_empty_and_single() {
        let t = MerkleTree::default();
        // SHA-256 of the empty string.
        assert_eq!(
            crate::crypto::hex(&t.root(0)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut t = MerkleTree::default();
        t.push(b"");
        // RFC 6962 test vector: leaf hash of the empty leaf.
        assert_eq!(
            crate::crypto::hex(&t.root(1)),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }
}
