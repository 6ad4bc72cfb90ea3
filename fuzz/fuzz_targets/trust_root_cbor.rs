//! The compact CBOR trust root (`TrustRoot::from_cbor`, what `edgeverify trust-root compile`
//! writes): fuzzed bytes must parse or fail with an error, and whatever parses must survive
//! its own round trip (encode → decode → encode gives the same bytes) and the chain-signature
//! check a long-lived verifier runs at load. Each reports the SHA-256 of the bytes it was
//! loaded from.
#![no_main]

use edgeverify_core::{HashAlgorithm, TrustRoot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut root) = TrustRoot::from_cbor(data) else {
        return;
    };
    let encoded = root.to_cbor();
    let again =
        TrustRoot::from_cbor(&encoded).expect("a parsed CBOR root re-encodes to a valid one");
    assert_eq!(again.to_cbor(), encoded, "CBOR round trip is not stable");
    let digest = |b: &[u8]| HashAlgorithm::Sha256.digest(b);
    assert_eq!(root.source_sha256().as_slice(), digest(data).as_bytes());
    assert_eq!(
        again.source_sha256().as_slice(),
        digest(&encoded).as_bytes()
    );
    let _ = root.remember_chain_signatures();
});
