//! The compact CBOR trust root (`TrustRoot::from_cbor`, what `edgeverify trust-root compile`
//! writes): fuzzed bytes must parse or fail with an error, and whatever parses must survive
//! its own round trip (encode → decode → encode gives the same bytes) and the chain-signature
//! check a long-lived verifier runs at load.
#![no_main]

use edgeverify_core::TrustRoot;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut root) = TrustRoot::from_cbor(data) else {
        return;
    };
    let encoded = root.to_cbor();
    let again = TrustRoot::from_cbor(&encoded).expect("a parsed CBOR root re-encodes to a valid one");
    assert_eq!(again.to_cbor(), encoded, "CBOR round trip is not stable");
    assert_eq!(again.source_sha256(), root.source_sha256());
    let _ = root.remember_chain_signatures();
});
