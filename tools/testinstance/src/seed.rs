//! Everything secret or unique (keys, serial numbers, tree IDs) comes from the seed through
//! SHA-512 with a label, so that a seed reproduces an instance byte for byte.

use sha2::{Digest as _, Sha512};

use crate::crypto::{KeyAlg, SigningKey};
use crate::Error;

const DOMAIN: &[u8] = b"edgeverify-testinstance/v1\0";

/// The seed of an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Seed(String);

impl Seed {
    pub(crate) fn new(seed: &str) -> Self {
        Self(seed.to_string())
    }

    /// 64 bytes for `label` (and a retry counter).
    pub(crate) fn bytes(&self, label: &str, counter: u32) -> Vec<u8> {
        let mut h = Sha512::new();
        h.update(DOMAIN);
        h.update((self.0.len() as u64).to_be_bytes());
        h.update(self.0.as_bytes());
        h.update((label.len() as u64).to_be_bytes());
        h.update(label.as_bytes());
        h.update(counter.to_be_bytes());
        h.finalize().to_vec()
    }

    pub(crate) fn key(&self, alg: KeyAlg, label: &str) -> Result<SigningKey, Error> {
        SigningKey::derive(alg, &|counter| self.bytes(label, counter))
    }

    /// A positive 20-byte certificate serial number.
    pub(crate) fn serial(&self, label: &str) -> Vec<u8> {
        let mut serial: Vec<u8> = self.bytes(label, 0).into_iter().take(20).collect();
        if let Some(first) = serial.first_mut() {
            // Positive and minimal: the top bit clear and the first byte non-zero.
            *first = (*first & 0x7f).max(1);
        }
        serial
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_seeds_separate() {
        let a = Seed::new("a");
        assert_eq!(a.bytes("x", 0), Seed::new("a").bytes("x", 0));
        assert_ne!(a.bytes("x", 0), a.bytes("y", 0));
        assert_ne!(a.bytes("x", 0), Seed::new("b").bytes("x", 0));
        // Length prefixes keep ("ab","c") and ("a","bc") apart.
        assert_ne!(Seed::new("ab").bytes("c", 0), Seed::new("a").bytes("bc", 0));
        let s = a.serial("s");
        assert_eq!(s.len(), 20);
        assert!(s[0] != 0 && s[0] < 0x80);
    }
}
