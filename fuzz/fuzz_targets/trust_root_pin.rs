//! The trust-root pin (`TrustRoot::from_bytes_pinned`, what the agent's `[trust_root] sha256`
//! uses): a pinned load of anything but the pinned bytes fails. The input is a mutation program
//! applied to one of the real roots, JSON or compact CBOR: the pinned load of the genuine bytes
//! must succeed, and of the mutant (whenever it differs) must fail; without a pin, a mutant
//! that parses must report its own digest, never the pin.
#![no_main]

use std::sync::OnceLock;

use edgeverify_core::{HashAlgorithm, TrustRoot};
use libfuzzer_sys::fuzz_target;

/// The genuine files a device could pin: each vector root as JSON and as compiled CBOR.
fn genuine() -> &'static [(Vec<u8>, [u8; 32])] {
    static FILES: OnceLock<Vec<(Vec<u8>, [u8; 32])>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = Vec::new();
        for (json, root) in edgeverify_fuzz::ROOT_FILES
            .iter()
            .zip(edgeverify_fuzz::roots())
        {
            for bytes in [json.to_vec(), root.to_cbor()] {
                let pin = sha256(&bytes);
                TrustRoot::from_bytes_pinned(&bytes, &pin).expect("genuine pinned roots load");
                files.push((bytes, pin));
            }
        }
        files
    })
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = HashAlgorithm::Sha256.digest(bytes);
    digest.as_bytes().try_into().expect("SHA-256 is 32 bytes")
}

fuzz_target!(|data: &[u8]| {
    let [which, program @ ..] = data else {
        return;
    };
    let files = genuine();
    let (bytes, pin) = &files[usize::from(*which) % files.len()];
    let mut mutant = bytes.clone();
    // Each 4-byte step: operation, position (2 bytes, scaled to the file), value.
    for step in program.chunks_exact(4) {
        let len = mutant.len().max(1);
        let at = usize::from(u16::from_le_bytes([step[1], step[2]])) * len / 65536;
        match step[0] % 4 {
            0 if at < mutant.len() => mutant[at] = step[3],
            1 if at < mutant.len() => mutant[at] ^= step[3] | 1,
            2 => mutant.insert(at.min(mutant.len()), step[3]),
            3 if at < mutant.len() => {
                mutant.remove(at);
            }
            _ => {}
        }
    }
    if program.len() >= 4 && program[0] == 0xff {
        // Or anything at all, in place of a root.
        mutant = program[1..].to_vec();
    }
    let pinned = TrustRoot::from_bytes_pinned(&mutant, pin);
    if mutant == *bytes {
        assert!(
            pinned.is_ok(),
            "the genuine bytes must load under their pin"
        );
    } else {
        assert!(
            pinned.is_err(),
            "a pinned load accepted other bytes than the pinned ones"
        );
        if let Ok(unpinned) = TrustRoot::from_bytes(&mutant) {
            assert_eq!(unpinned.source_sha256(), &sha256(&mutant));
            assert_ne!(unpinned.source_sha256(), pin);
        }
    }
});
