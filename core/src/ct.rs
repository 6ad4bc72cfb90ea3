//! Certificate transparency: the signed certificate timestamps (SCTs, RFC 6962 §3.2) that
//! Fulcio embeds in every leaf, verified against the CT log keys of the trust root.

use alloc::vec::Vec;

use der::asn1::OctetString;
use der::{Decode as _, Encode as _};

use crate::crypto::{self, HashAlgorithm};
use crate::error::{Document, Error};
use crate::limits;
use crate::time::UnixTime;
use crate::trust_root::TrustRoot;
use crate::x509::{Leaf, VerifiedChain, OID_SCT_LIST};

/// One SCT from the list, borrowed from the certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sct<'a> {
    log_id: &'a [u8; 32],
    timestamp_ms: u64,
    extensions: &'a [u8],
    hash_algorithm: u8,
    signature_algorithm: u8,
    signature: &'a [u8],
}

const TLS_HASH_SHA256: u8 = 4;
const TLS_SIGNATURE_RSA: u8 = 1;
const TLS_SIGNATURE_ECDSA: u8 = 3;

/// Verifies the leaf's embedded SCTs; returns how many distinct trusted CT logs vouched for
/// it. SCTs from logs not in the trust root, or outside a log's validity window, are skipped
/// (they do not count); an SCT from a trusted log whose signature fails is an error.
pub(crate) fn verify_embedded_scts(
    leaf: &Leaf,
    chain: &VerifiedChain,
    root: &TrustRoot,
) -> Result<usize, Error> {
    let invalid = |reason| Error::SctInvalid { reason };
    let extensions = leaf
        .cert
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default();
    let mut sct_exts = extensions.iter().filter(|e| e.extn_id == OID_SCT_LIST);
    let (Some(sct_ext), None) = (sct_exts.next(), sct_exts.next()) else {
        return Err(invalid(
            "certificate must carry exactly one embedded SCT list",
        ));
    };
    // The extension value is a DER OCTET STRING wrapping the TLS-encoded list.
    let list = OctetString::from_der(sct_ext.extn_value.as_bytes())
        .map_err(|_| invalid("SCT list is not a DER OCTET STRING"))?;
    let scts = parse_sct_list(list.as_bytes())?;

    // The precertificate the log signed: the TBS without the SCT list extension.
    let mut tbs = leaf.cert.tbs_certificate.clone();
    if let Some(exts) = tbs.extensions.as_mut() {
        exts.retain(|e| e.extn_id != OID_SCT_LIST);
    }
    let tbs_der = tbs
        .to_der()
        .map_err(|_| invalid("cannot re-encode the precertificate"))?;
    let issuer_key_hash = crypto::sha256(&chain.issuer_spki);

    let mut verified_logs: heapless::Vec<&[u8], { limits::MAX_SCTS }> = heapless::Vec::new();
    for sct in &scts {
        let Some(log) = root.ctlog_by_id(sct.log_id) else {
            continue;
        };
        if !log
            .valid_for
            .contains(UnixTime::from_millis(sct.timestamp_ms))
        {
            continue;
        }
        let Some(key) = log.key.as_ref() else {
            continue;
        };
        if sct.hash_algorithm != TLS_HASH_SHA256
            || !matches!(
                sct.signature_algorithm,
                TLS_SIGNATURE_ECDSA | TLS_SIGNATURE_RSA
            )
        {
            return Err(invalid("SCT uses an unsupported signature algorithm"));
        }
        let signed = signed_data(sct, &issuer_key_hash, &tbs_der)?;
        key.verify(HashAlgorithm::Sha256, &signed, sct.signature)
            .map_err(|_| invalid("SCT signature does not verify with the CT log key"))?;
        if !verified_logs.contains(&&log.log_id[..]) {
            // Capacity equals the SCT limit, so this cannot overflow.
            let _ = verified_logs.push(&log.log_id);
        }
    }
    Ok(verified_logs.len())
}

/// The RFC 6962 `digitally-signed` input for a precertificate entry.
fn signed_data(sct: &Sct<'_>, issuer_key_hash: &[u8; 32], tbs: &[u8]) -> Result<Vec<u8>, Error> {
    let too_long = Error::SctInvalid {
        reason: "precertificate too long",
    };
    let tbs_len = u32::try_from(tbs.len()).map_err(|_| too_long.clone())?;
    if tbs_len >= 1 << 24 {
        return Err(too_long);
    }
    let ext_len = u16::try_from(sct.extensions.len()).map_err(|_| too_long)?;
    let mut out = Vec::with_capacity(1 + 1 + 8 + 2 + 32 + 3 + tbs.len() + 2 + sct.extensions.len());
    out.push(0); // sct_version v1
    out.push(0); // signature_type certificate_timestamp
    out.extend_from_slice(&sct.timestamp_ms.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes()); // entry_type precert_entry
    out.extend_from_slice(issuer_key_hash);
    out.extend_from_slice(tbs_len.to_be_bytes().get(1..).unwrap_or_default());
    out.extend_from_slice(tbs);
    out.extend_from_slice(&ext_len.to_be_bytes());
    out.extend_from_slice(sct.extensions);
    Ok(out)
}

/// The number of SCTs in a TLS-encoded list, through the verifier's parser (fuzzing).
#[cfg(feature = "fuzzing")]
pub(crate) fn sct_count(data: &[u8]) -> Result<usize, Error> {
    parse_sct_list(data).map(|list| list.len())
}

/// Parses `SignedCertificateTimestampList` (TLS encoding, no trailing bytes anywhere).
fn parse_sct_list(data: &[u8]) -> Result<heapless::Vec<Sct<'_>, { limits::MAX_SCTS }>, Error> {
    let invalid = |reason| Error::SctInvalid { reason };
    let mut r = Reader(data);
    let mut list = Reader(r.vec16().ok_or(invalid("truncated SCT list"))?);
    if !r.0.is_empty() {
        return Err(invalid("trailing bytes after the SCT list"));
    }
    let mut out = heapless::Vec::new();
    while !list.0.is_empty() {
        let mut item = Reader(list.vec16().ok_or(invalid("truncated SCT"))?);
        let sct = parse_sct(&mut item).ok_or(invalid("malformed SCT"))?;
        if !item.0.is_empty() {
            return Err(invalid("trailing bytes after an SCT"));
        }
        out.push(sct).map_err(|_| Error::LimitExceeded {
            document: Document::Bundle,
            what: "embedded SCTs",
            limit: limits::MAX_SCTS,
        })?;
    }
    if out.is_empty() {
        return Err(invalid("empty SCT list"));
    }
    Ok(out)
}

fn parse_sct<'a>(r: &mut Reader<'a>) -> Option<Sct<'a>> {
    let version = r.u8()?;
    if version != 0 {
        return None;
    }
    let log_id: &[u8; 32] = r.take(32)?.try_into().ok()?;
    let timestamp_ms = u64::from_be_bytes(r.take(8)?.try_into().ok()?);
    let extensions = r.vec16()?;
    let hash_algorithm = r.u8()?;
    let signature_algorithm = r.u8()?;
    let signature = r.vec16()?;
    Some(Sct {
        log_id,
        timestamp_ms,
        extensions,
        hash_algorithm,
        signature_algorithm,
        signature,
    })
}

/// A cursor over TLS-encoded bytes; every read is bounds-checked.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn vec16(&mut self) -> Option<&'a [u8]> {
        let len = u16::from_be_bytes(self.take(2)?.try_into().ok()?);
        self.take(usize::from(len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sct_bytes(ext: &[u8], sig: &[u8]) -> Vec<u8> {
        let mut s = alloc::vec![0u8];
        s.extend_from_slice(&[7; 32]);
        s.extend_from_slice(&1_700_000_000_000u64.to_be_bytes());
        s.extend_from_slice(&u16::try_from(ext.len()).unwrap().to_be_bytes());
        s.extend_from_slice(ext);
        s.extend_from_slice(&[4, 3]);
        s.extend_from_slice(&u16::try_from(sig.len()).unwrap().to_be_bytes());
        s.extend_from_slice(sig);
        s
    }

    fn list(items: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        for i in items {
            body.extend_from_slice(&u16::try_from(i.len()).unwrap().to_be_bytes());
            body.extend_from_slice(i);
        }
        let mut out = u16::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn parses_a_list_with_extensions() {
        let data = list(&[sct_bytes(b"ext", b"sig"), sct_bytes(b"", b"s2")]);
        let scts = parse_sct_list(&data).unwrap();
        assert_eq!(scts.len(), 2);
        assert_eq!(scts[0].extensions, b"ext");
        assert_eq!(scts[0].timestamp_ms, 1_700_000_000_000);
        assert_eq!(scts[1].signature, b"s2");
    }

    #[test]
    fn rejects_truncation_and_trailing_data() {
        let good = list(&[sct_bytes(b"", b"sig")]);
        for cut in 0..good.len() {
            assert!(parse_sct_list(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(parse_sct_list(&trailing).is_err());
        let mut inner_trailing = sct_bytes(b"", b"sig");
        inner_trailing.push(9);
        assert!(parse_sct_list(&list(&[inner_trailing])).is_err());
        assert!(parse_sct_list(&list(&[])).is_err());
    }

    #[test]
    fn rejects_too_many_scts() {
        let items: Vec<Vec<u8>> = (0..=limits::MAX_SCTS)
            .map(|_| sct_bytes(b"", b"s"))
            .collect();
        assert!(matches!(
            parse_sct_list(&list(&items)),
            Err(Error::LimitExceeded { .. })
        ));
        let at_limit: Vec<Vec<u8>> = (0..limits::MAX_SCTS)
            .map(|_| sct_bytes(b"", b"s"))
            .collect();
        assert_eq!(
            parse_sct_list(&list(&at_limit)).unwrap().len(),
            limits::MAX_SCTS
        );
    }
}
