//! Deliberately broken copies of an [`Output`]: each changes one thing a verifier must check,
//! keeping everything else well-formed (base64 stays base64, DER stays parseable where that
//! is the point), so a verifier that accepts the copy missed exactly that check.

use base64::Engine as _;
use serde_json::Value;

use crate::crypto::{b64, Digests};
use crate::output::Output;
use crate::Error;

/// One change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tamper {
    /// The artifact differs by one bit (needs in-memory artifact bytes).
    ArtifactByte,
    /// The last byte of the message or DSSE signature.
    Signature,
    /// One bit of the DSSE payload (the statement).
    Payload,
    /// The last byte of the first entry's signed entry timestamp.
    SetSignature,
    /// The first entry's integrated time, plus one second (the SET no longer covers it).
    IntegratedTime,
    /// The last byte of the first entry's checkpoint signature line.
    CheckpointSignature,
    /// One bit of the first entry's first inclusion-proof hash.
    InclusionProofHash,
    /// One bit inside the first entry's canonicalized body (its recorded signature).
    CanonicalizedBody,
    /// The last byte of the leaf certificate (its CA signature).
    CertificateSignature,
    /// The last byte of the first RFC 3161 response (its CMS signature).
    TimestampSignature,
}

impl Tamper {
    /// Every kind.
    pub const ALL: [Self; 10] = [
        Self::ArtifactByte,
        Self::Signature,
        Self::Payload,
        Self::SetSignature,
        Self::IntegratedTime,
        Self::CheckpointSignature,
        Self::InclusionProofHash,
        Self::CanonicalizedBody,
        Self::CertificateSignature,
        Self::TimestampSignature,
    ];

    /// A copy of `output` with this change, or `None` when the output has nothing to change
    /// (no SET, no timestamp, no payload, …).
    pub fn apply(self, output: &Output) -> Result<Option<Output>, Error> {
        let mut out = output.clone();
        let b = &mut out.bundle;
        let changed = match self {
            Self::ArtifactByte => match &mut out.artifact.bytes {
                Some(bytes) if !bytes.is_empty() => {
                    if let Some(first) = bytes.first_mut() {
                        *first ^= 1;
                    }
                    out.artifact.digests = Digests::of(bytes);
                    true
                }
                _ => false,
            },
            Self::Signature => {
                edit_b64(b.pointer_mut("/messageSignature/signature"), flip_last)?
                    || edit_b64(b.pointer_mut("/dsseEnvelope/signatures/0/sig"), flip_last)?
            }
            Self::Payload => edit_b64(b.pointer_mut("/dsseEnvelope/payload"), flip_middle)?,
            Self::SetSignature => edit_b64(
                b.pointer_mut("/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp"),
                flip_last,
            )?,
            Self::IntegratedTime => {
                match b.pointer_mut("/verificationMaterial/tlogEntries/0/integratedTime") {
                    Some(Value::String(t)) => {
                        let n: u64 = t.parse().map_err(|_| Error::msg("integratedTime"))?;
                        *t = (n + 1).to_string();
                        true
                    }
                    _ => false,
                }
            }
            Self::CheckpointSignature => match b.pointer_mut(
                "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
            ) {
                Some(Value::String(note)) => {
                    *note = corrupt_first_signature_line(note)?;
                    true
                }
                _ => false,
            },
            Self::InclusionProofHash => edit_b64(
                b.pointer_mut("/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0"),
                flip_middle,
            )?,
            Self::CanonicalizedBody => edit_b64(
                b.pointer_mut("/verificationMaterial/tlogEntries/0/canonicalizedBody"),
                corrupt_body,
            )?,
            Self::CertificateSignature => {
                edit_b64(b.pointer_mut("/verificationMaterial/certificate/rawBytes"), flip_last)?
                    || edit_b64(
                        b.pointer_mut(
                            "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
                        ),
                        flip_last,
                    )?
            }
            Self::TimestampSignature => edit_b64(
                b.pointer_mut(
                    "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp",
                ),
                flip_last,
            )?,
        };
        Ok(changed.then_some(out))
    }
}

fn edit_b64(field: Option<&mut Value>, edit: fn(&mut [u8])) -> Result<bool, Error> {
    let Some(Value::String(text)) = field else {
        return Ok(false);
    };
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| Error::msg(format!("not base64: {e}")))?;
    if bytes.is_empty() {
        return Ok(false);
    }
    edit(&mut bytes);
    *text = b64(&bytes);
    Ok(true)
}

fn flip_last(bytes: &mut [u8]) {
    if let Some(last) = bytes.last_mut() {
        *last ^= 1;
    }
}

fn flip_middle(bytes: &mut [u8]) {
    let mid = bytes.len() / 2;
    if let Some(b) = bytes.get_mut(mid) {
        *b ^= 1;
    }
}

/// Changes one base64 character of the recorded signature inside a JSON body, keeping the
/// body valid JSON: the first `"content":"` or `"signature":"` or `"sig":"` value's second
/// character is swapped for another base64 letter.
fn corrupt_body(body: &mut [u8]) {
    let text = String::from_utf8_lossy(body).into_owned();
    for key in ["\"content\":\"", "\"signature\":\"", "\"sig\":\""] {
        if let Some(pos) = text.find(key) {
            let at = pos + key.len() + 1;
            if let Some(c) = body.get_mut(at) {
                *c = if *c == b'A' { b'B' } else { b'A' };
                return;
            }
        }
    }
    flip_middle(body);
}

fn corrupt_first_signature_line(note: &str) -> Result<String, Error> {
    let mut lines: Vec<String> = note.split('\n').map(String::from).collect();
    let line = lines
        .iter_mut()
        .find(|l| l.starts_with('\u{2014}'))
        .ok_or_else(|| Error::msg("checkpoint without signature line"))?;
    let (head, sig) = line
        .rsplit_once(' ')
        .ok_or_else(|| Error::msg("malformed signature line"))?;
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(sig)
        .map_err(|e| Error::msg(format!("not base64: {e}")))?;
    flip_last(&mut bytes);
    *line = format!("{head} {}", b64(&bytes));
    Ok(lines.join("\n"))
}
