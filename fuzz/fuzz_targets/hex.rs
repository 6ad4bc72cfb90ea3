//! Hex digests (`hex_decode`/`hex_encode`, behind every `sha256:<hex>` argument, policy pin and
//! log-entry digest): bytes survive the round trip in either case, and text is accepted exactly
//! when it is an even number of ASCII hex digits: no sign, space or other spelling of a byte.
#![no_main]

use edgeverify_core::{hex_decode, hex_encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let hex = hex_encode(data);
    assert_eq!(hex.len(), 2 * data.len());
    assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    assert_eq!(hex_decode(&hex).as_deref(), Some(data));
    assert_eq!(hex_decode(&hex.to_ascii_uppercase()).as_deref(), Some(data));

    if let Ok(text) = std::str::from_utf8(data) {
        let well_formed = text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit());
        match hex_decode(text) {
            Some(bytes) => {
                assert!(well_formed, "accepted {text:?}");
                assert_eq!(bytes.len() * 2, text.len());
                assert_eq!(hex_encode(&bytes), text.to_ascii_lowercase());
            }
            None => assert!(!well_formed, "refused {text:?}"),
        }
    }
});
