//! PEM text to DER, tolerant of the line-wrapping differences between Sigstore producers
//! (sigstore-js and sigstore-python wrap certificates differently in Rekor bodies).

use alloc::vec::Vec;

/// Decodes the first PEM block with the given label (`CERTIFICATE`, `PUBLIC KEY`).
/// Anything outside the block is ignored; the block itself must be clean base64.
pub(crate) fn decode_one(text: &str, label: &str) -> Option<Vec<u8>> {
    let mut blocks = Blocks { rest: text };
    blocks.find_map(|(l, der)| (l == label).then_some(der))
}

/// Decodes the first PEM block of any label, returning the label and the DER.
pub(crate) fn decode_first(text: &str) -> Option<(&str, Vec<u8>)> {
    Blocks { rest: text }.next()
}

/// Every PEM block of `text`, label and DER, in order; `None` if one of them is corrupt or
/// there are more than `max`.
pub(crate) fn decode_all(text: &str, max: usize) -> Option<Vec<(&str, Vec<u8>)>> {
    let mut blocks = Blocks { rest: text };
    let mut out = Vec::new();
    for block in blocks.by_ref() {
        if out.len() == max {
            return None;
        }
        out.push(block);
    }
    // `Blocks` stops early at a corrupt block (and clears `rest`); a clean end leaves no
    // further block marker behind.
    if text.matches("-----BEGIN ").count() != out.len() {
        return None;
    }
    Some(out)
}

struct Blocks<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Blocks<'a> {
    type Item = (&'a str, Vec<u8>);

    fn next(&mut self) -> Option<Self::Item> {
        const BEGIN: &str = "-----BEGIN ";
        const DASHES: &str = "-----";
        let start = self.rest.find(BEGIN)?;
        let after_begin = self.rest.get(start + BEGIN.len()..)?;
        let label_end = after_begin.find(DASHES)?;
        let label = after_begin.get(..label_end)?;
        let body_start = after_begin.get(label_end + DASHES.len()..)?;
        let end_marker_pos = body_start.find("-----END ")?;
        let body = body_start.get(..end_marker_pos)?;
        let after_end = body_start.get(end_marker_pos + "-----END ".len()..)?;
        let end_label_len = after_end.find(DASHES)?;
        let end_label = after_end.get(..end_label_len)?;
        self.rest = after_end.get(end_label_len + DASHES.len()..)?;
        if end_label != label {
            self.rest = "";
            return None;
        }
        // Bytes, not chars: collecting chars into a String costs ~100 instructions a byte.
        let compact: Vec<u8> = body.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        match crate::encoding::base64_decode_exact(&compact) {
            Some(der) if !der.is_empty() => Some((label, der)),
            _ => {
                // A corrupt block ends the search: we never skip past bad data to find a
                // later block that happens to decode.
                self.rest = "";
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_regardless_of_wrapping() {
        let narrow = "-----BEGIN PUBLIC KEY-----\nAAEC\nAwQF\n-----END PUBLIC KEY-----\n";
        let wide = "junk\r\n-----BEGIN PUBLIC KEY-----\r\nAAECAwQF\r\n-----END PUBLIC KEY-----";
        assert_eq!(
            decode_one(narrow, "PUBLIC KEY"),
            Some(alloc::vec![0, 1, 2, 3, 4, 5])
        );
        assert_eq!(
            decode_one(wide, "PUBLIC KEY"),
            Some(alloc::vec![0, 1, 2, 3, 4, 5])
        );
    }

    #[test]
    fn rejects_mismatched_or_corrupt_blocks() {
        assert_eq!(
            decode_one("-----BEGIN A-----\nAAEC\n-----END B-----", "A"),
            None
        );
        assert_eq!(
            decode_one("-----BEGIN A-----\n!!!!\n-----END A-----", "A"),
            None
        );
        assert_eq!(
            decode_one("-----BEGIN A-----\nAAEC\n-----END A-----", "B"),
            None
        );
        assert_eq!(decode_one("-----BEGIN A-----\nAAEC", "A"), None);
        assert_eq!(decode_first("no pem here"), None);
    }
}
