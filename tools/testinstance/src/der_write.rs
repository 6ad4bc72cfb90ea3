//! A minimal DER writer for the structures the x509-cert types do not cover (RFC 3161
//! responses, CMS SignedData, the TLS-encoded SCT list). Everything is built bottom-up from
//! definite-length TLVs; SET OF contents are sorted as DER requires.

use der::asn1::ObjectIdentifier;
use der::Encode as _;

use crate::Error;

/// Universal tags used here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
}

/// One TLV with a definite length.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        // Short form: the length fits in seven bits.
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// `SEQUENCE { parts... }`
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// `SET OF` with its elements sorted by their encodings (DER, X.690 §11.6).
pub(crate) fn set_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = parts.to_vec();
    sorted.sort();
    tlv(tag::SET, &sorted.concat())
}

/// Context-specific `[n]`, constructed (EXPLICIT, or IMPLICIT over a constructed type).
pub(crate) fn context(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xa0 | n, content)
}

/// An OBJECT IDENTIFIER from its dotted form.
pub(crate) fn oid(dotted: &str) -> Result<Vec<u8>, Error> {
    let oid =
        ObjectIdentifier::new(dotted).map_err(|e| Error::msg(format!("OID {dotted}: {e}")))?;
    Ok(oid.to_der()?)
}

/// A non-negative INTEGER from big-endian magnitude bytes (minimal, with a sign pad).
pub(crate) fn uint(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude
        .iter()
        .take_while(|b| **b == 0)
        .count()
        .min(magnitude.len().saturating_sub(1));
    let trimmed = magnitude.get(skip..).unwrap_or_default();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.is_empty() {
        content.push(0);
    } else {
        if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
            content.push(0);
        }
        content.extend_from_slice(trimmed);
    }
    tlv(tag::INTEGER, &content)
}

/// A small non-negative INTEGER.
pub(crate) fn small_uint(value: u64) -> Vec<u8> {
    uint(&value.to_be_bytes())
}

/// `OCTET STRING`
pub(crate) fn octets(content: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, content)
}

/// `AlgorithmIdentifier` with absent parameters (ECDSA signatures, SHA-2 in CMS).
pub(crate) fn algorithm(dotted: &str) -> Result<Vec<u8>, Error> {
    Ok(seq(&[&oid(dotted)?]))
}

/// `AlgorithmIdentifier` with NULL parameters (how most TSAs write digest algorithms).
pub(crate) fn algorithm_with_null(dotted: &str) -> Result<Vec<u8>, Error> {
    Ok(seq(&[&oid(dotted)?, &[0x05, 0x00]]))
}

/// `GeneralizedTime` `YYYYMMDDHHMMSSZ` for a Unix time.
pub(crate) fn generalized_time(unix: u64) -> Result<Vec<u8>, Error> {
    Ok(tlv(tag::GENERALIZED_TIME, civil(unix, true)?.as_bytes()))
}

/// `UTCTime` `YYMMDDHHMMSSZ` for a Unix time (years 1950–2049).
pub(crate) fn utc_time(unix: u64) -> Result<Vec<u8>, Error> {
    Ok(tlv(tag::UTC_TIME, civil(unix, false)?.as_bytes()))
}

fn civil(unix: u64, four_digit_year: bool) -> Result<String, Error> {
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(unix))?;
    let year = dt.year();
    if four_digit_year {
        Ok(format!(
            "{year:04}{:02}{:02}{:02}{:02}{:02}Z",
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minutes(),
            dt.seconds()
        ))
    } else {
        if !(1950..2050).contains(&year) {
            return Err(Error::msg(format!("UTCTime cannot hold year {year}")));
        }
        Ok(format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            year % 100,
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minutes(),
            dt.seconds()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_integers_are_minimal() {
        assert_eq!(tlv(0x04, &[]), vec![0x04, 0x00]);
        assert_eq!(
            tlv(0x04, &[0; 0x80]).get(..3),
            Some(&[0x04, 0x81, 0x80][..])
        );
        assert_eq!(
            tlv(0x04, &[0; 0x100]).get(..4),
            Some(&[0x04, 0x82, 0x01, 0x00][..])
        );
        assert_eq!(small_uint(0), vec![0x02, 0x01, 0x00]);
        assert_eq!(small_uint(0x80), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[0, 0, 1, 2]), vec![0x02, 0x02, 0x01, 0x02]);
    }

    #[test]
    fn times() {
        assert_eq!(
            generalized_time(1_700_000_000).unwrap(),
            tlv(0x18, b"20231114221320Z")
        );
        assert_eq!(
            utc_time(1_700_000_000).unwrap(),
            tlv(0x17, b"231114221320Z")
        );
    }

    #[test]
    fn set_of_sorts() {
        assert_eq!(
            set_of(&[&[0x02, 0x01, 0x05], &[0x02, 0x01, 0x01]]),
            vec![0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x05]
        );
    }
}
