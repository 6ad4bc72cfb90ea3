//! Checkpoints: the C2SP signed note in which a log signs its tree size and root hash.
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n...]\n
//! — <key name> <base64(4-byte key hint || signature)>\n ...
//! ```

use alloc::vec::Vec;

use crate::crypto::{HashAlgorithm, KeyType, PublicKey, SignatureError};
use crate::encoding::{base64_decode, parse_decimal_u64};
use crate::error::{Document, Error};
use crate::limits;

/// A parsed, not yet verified checkpoint, borrowing from the note text.
#[derive(Debug)]
pub(crate) struct Checkpoint<'a> {
    pub(crate) origin: &'a str,
    pub(crate) tree_size: u64,
    pub(crate) root_hash: [u8; 32],
    /// The signed part: the body including its final newline.
    signed_text: &'a [u8],
    signatures: heapless::Vec<NoteSignature<'a>, { limits::MAX_CHECKPOINT_SIGNATURES }>,
}

#[derive(Debug)]
struct NoteSignature<'a> {
    name: &'a str,
    key_hint: [u8; 4],
    signature: Vec<u8>,
}

fn invalid(reason: &'static str) -> Error {
    Error::CheckpointInvalid { reason }
}

impl<'a> Checkpoint<'a> {
    pub(crate) fn parse(text: &'a str) -> Result<Self, Error> {
        if text.len() > limits::MAX_CHECKPOINT_BYTES {
            return Err(Error::LimitExceeded {
                document: Document::Bundle,
                what: "checkpoint size",
                limit: limits::MAX_CHECKPOINT_BYTES,
            });
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(invalid("control character in checkpoint"));
        }
        // The body ends at the last blank line; everything before it (with its final
        // newline) is what the signatures cover.
        let split = text.rfind("\n\n").ok_or(invalid("no signature block"))?;
        let (body, rest) = text.split_at(split + 1);
        let sig_block = rest.get(1..).unwrap_or_default();
        if sig_block.is_empty() || !sig_block.ends_with('\n') {
            return Err(invalid("signature block missing or not newline-terminated"));
        }

        let mut lines = body.strip_suffix('\n').unwrap_or(body).split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(invalid("missing origin line"));
        }
        let size_line = lines.next().ok_or(invalid("missing tree size line"))?;
        if size_line.len() > 1 && size_line.starts_with('0') {
            return Err(invalid("tree size has leading zeros"));
        }
        let tree_size = parse_decimal_u64(size_line).ok_or(invalid("tree size is not a number"))?;
        let root_line = lines.next().ok_or(invalid("missing root hash line"))?;
        let root_hash = base64_decode(root_line)
            .and_then(|h| <[u8; 32]>::try_from(h.as_slice()).ok())
            .ok_or(invalid("root hash is not base64 of 32 bytes"))?;
        // Remaining lines are extensions (e.g. Rekor v1 "Timestamp: …"); they are signed but
        // carry nothing we rely on. An empty one would have been a split point.

        let mut signatures = heapless::Vec::new();
        for line in sig_block
            .strip_suffix('\n')
            .unwrap_or(sig_block)
            .split('\n')
        {
            let sig = parse_signature_line(line)?;
            signatures.push(sig).map_err(|_| Error::LimitExceeded {
                document: Document::Bundle,
                what: "checkpoint signatures",
                limit: limits::MAX_CHECKPOINT_SIGNATURES,
            })?;
        }
        Ok(Self {
            origin,
            tree_size,
            root_hash,
            signed_text: body.as_bytes(),
            signatures,
        })
    }

    /// Verifies the log's own signature: a line with the log's key hint (and, when given, its
    /// key name) must exist and every such line must verify. Lines from other signers
    /// (witnesses) are ignored: we hold no keys for them, and they cannot make a bad note good.
    ///
    /// `key_name` is `None` for Rekor v1 signed tree heads: their signer name is whatever the
    /// log server calls itself (a private instance's pod, say), and Rekor's own verifier
    /// (`SignedNote.Verify`) matches lines by key hash alone. The signature with the log's key
    /// is what ties the note to the log.
    pub(crate) fn verify_signature(
        &self,
        key_name: Option<&str>,
        key_hint: [u8; 4],
        key: &PublicKey,
    ) -> Result<(), Error> {
        let mut found = false;
        for sig in self
            .signatures
            .iter()
            .filter(|s| key_name.is_none_or(|name| s.name == name) && s.key_hint == key_hint)
        {
            found = true;
            let hash = match key.key_type() {
                KeyType::EcdsaP384 => HashAlgorithm::Sha384,
                _ => HashAlgorithm::Sha256,
            };
            match key.verify(hash, self.signed_text, &sig.signature) {
                Ok(()) => {}
                Err(SignatureError::Unsupported) => {
                    return Err(Error::UnsupportedAlgorithm {
                        what: "checkpoint signature key",
                    })
                }
                Err(SignatureError::Invalid) => {
                    return Err(invalid("log signature does not verify"))
                }
            }
        }
        if found {
            Ok(())
        } else {
            Err(invalid("no signature from the log (key name and hint)"))
        }
    }
}

/// `— <name> <base64(hint || signature)>`
fn parse_signature_line(line: &str) -> Result<NoteSignature<'_>, Error> {
    let rest = line
        .strip_prefix("\u{2014} ")
        .ok_or(invalid("signature line does not start with an em dash"))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(invalid("signature line has no signature"))?;
    if name.is_empty() || name.contains(char::is_whitespace) || name.contains('+') {
        return Err(invalid("invalid key name in signature line"));
    }
    let decoded = base64_decode(b64).ok_or(invalid("signature is not base64"))?;
    if decoded.len() < 5 {
        return Err(invalid("signature too short"));
    }
    let (hint, signature) = decoded.split_at(4);
    Ok(NoteSignature {
        name,
        key_hint: hint
            .try_into()
            .map_err(|_| invalid("signature too short"))?,
        signature: signature.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT_B64: &str = "Fnnj13Uu1jdksPc4HZLapKX329dVlD5+MGNsiqBq1XM=";

    fn note(body: &str, sigs: &str) -> alloc::string::String {
        alloc::format!("{body}\n{sigs}")
    }

    #[test]
    fn parses_rekor_v1_and_v2_shapes() {
        let v1 = note(
            &alloc::format!(
                "rekor.sigstore.dev - 2605736670972794746\n75408393\n{ROOT_B64}\nTimestamp: 1\n"
            ),
            "\u{2014} rekor.sigstore.dev wNI9ajBFAiBTyiBM\n",
        );
        let cp = Checkpoint::parse(&v1).unwrap();
        assert_eq!(cp.origin, "rekor.sigstore.dev - 2605736670972794746");
        assert_eq!(cp.tree_size, 75_408_393);
        assert_eq!(cp.signatures.len(), 1);
        assert_eq!(cp.signatures[0].key_hint, [0xc0, 0xd2, 0x3d, 0x6a]);
        assert!(cp.signed_text.ends_with(b"Timestamp: 1\n"));

        let v2 = note(
            &alloc::format!("log2025-1.rekor.sigstore.dev\n736\n{ROOT_B64}\n"),
            "\u{2014} log2025-1.rekor.sigstore.dev 8w1amdbj\n\u{2014} witness.example AAAAAAAA\n",
        );
        assert_eq!(Checkpoint::parse(&v2).unwrap().signatures.len(), 2);
    }

    #[test]
    fn rejects_malformed_notes() {
        let sig = "\u{2014} log wNI9ajBF\n";
        for (body, why) in [
            (alloc::format!("\n736\n{ROOT_B64}\n"), "empty origin"),
            (alloc::format!("log\n{ROOT_B64}\n"), "missing size"),
            (alloc::format!("log\n0736\n{ROOT_B64}\n"), "leading zero"),
            (alloc::format!("log\n-1\n{ROOT_B64}\n"), "negative size"),
            ("log\n736\n".into(), "missing root"),
            ("log\n736\nAAAA\n".into(), "short root"),
        ] {
            assert!(Checkpoint::parse(&note(&body, sig)).is_err(), "{why}");
        }
        let body = alloc::format!("log\n736\n{ROOT_B64}\n");
        for sigs in [
            "",
            "\u{2014} log wNI9ajBF",
            "- log wNI9ajBF\n",
            "\u{2014} log AAA=\n",
            "\u{2014} lo g wNI9ajBF\n",
        ] {
            assert!(Checkpoint::parse(&note(&body, sigs)).is_err(), "{sigs:?}");
        }
        assert!(Checkpoint::parse(&alloc::format!("log\r\n736\n{ROOT_B64}\n\n{sig}")).is_err());
    }

    #[test]
    fn size_is_bounded() {
        let sigs = "\u{2014} log wNI9ajBF\n";
        let with_size = |n: usize| {
            let body = alloc::format!("log\n736\n{ROOT_B64}\n");
            let filler = "x".repeat(n - body.len() - 1 - sigs.len());
            alloc::format!("log{filler}\n736\n{ROOT_B64}\n\n{sigs}")
        };
        let at = with_size(limits::MAX_CHECKPOINT_BYTES);
        assert_eq!(at.len(), limits::MAX_CHECKPOINT_BYTES);
        assert!(Checkpoint::parse(&at).is_ok());
        let over = with_size(limits::MAX_CHECKPOINT_BYTES + 1);
        assert!(matches!(
            Checkpoint::parse(&over),
            Err(Error::LimitExceeded { limit, .. }) if limit == limits::MAX_CHECKPOINT_BYTES
        ));
    }

    #[test]
    fn signature_lines_are_bounded() {
        let body = alloc::format!("log\n736\n{ROOT_B64}\n");
        let line = "\u{2014} w AAAAAAAA\n";
        let at_limit = note(&body, &line.repeat(limits::MAX_CHECKPOINT_SIGNATURES));
        assert!(Checkpoint::parse(&at_limit).is_ok());
        let over = note(&body, &line.repeat(limits::MAX_CHECKPOINT_SIGNATURES + 1));
        assert!(matches!(
            Checkpoint::parse(&over),
            Err(Error::LimitExceeded { .. })
        ));
    }
}
