//! The compact CBOR form of a trust root, for devices that should not parse JSON.
//!
//! `edgeverify trust-root compile` writes it from a `trusted_root.json`; [`TrustRoot::from_cbor`]
//! reads it back without touching the JSON parser. It holds only what verification uses. It is
//! a file in its own right: [`TrustRoot::source_sha256`] of a root loaded from it is the SHA-256
//! of these bytes, and that is what a device pins.
//!
//! ```text
//! trust-root = [ "edgeverify-trust-root", 2,        ; magic, format version
//!                tlogs: [* log], ctlogs: [* log],
//!                certificate-authorities: [* ca], timestamp-authorities: [* ca] ]
//! log        = [ authority: tstr,                    ; host[:port] of baseUrl
//!                log-id: bstr,
//!                key-encoding: 0 / 1 / 2,            ; none (unusable) / SPKI DER / PKCS#1 RSA
//!                key: bstr,                          ; empty for key-encoding 0
//!                valid-from-ms: uint, valid-until-ms: uint / null ]
//! ca         = [ chain: [+ bstr], valid-from-ms: uint, valid-until-ms: uint / null ]
//! ```
//!
//! Format 1 also carried the SHA-256 of the JSON it was compiled from, and that claim, not the
//! file, was what a pin was compared with (so a doctored file could claim a genuine root's
//! digest). Format 1 files are refused with a message saying to recompile them.
//!
//! Decoding is strict: definite lengths only, exact element counts, no trailing bytes, and the
//! same limits as the JSON form ([`limits`]).

use alloc::string::String;
use alloc::vec::Vec;

use minicbor::data::Type;
use minicbor::{Decoder, Encoder};

use super::{key_error, CertificateAuthority, TransparencyLog, TrustRoot};
use crate::crypto::{self, PublicKey};
use crate::error::{Document, Error};
use crate::limits;
use crate::time::{TimeRange, UnixTime};

const MAGIC: &str = "edgeverify-trust-root";
const FORMAT_VERSION: u32 = 2;
/// The format whose recorded JSON digest used to stand in for the file's own (see above).
const FORMAT_VERSION_CLAIMED_DIGEST: u32 = 1;

const KEY_NONE: u8 = 0;
const KEY_SPKI: u8 = 1;
const KEY_PKCS1_RSA: u8 = 2;

/// Whether `bytes` look like the CBOR form (rather than JSON): a CBOR array of 6 whose first
/// element is the magic string (every format version). JSON documents start with `{` or
/// whitespace.
pub(super) fn looks_like_cbor(bytes: &[u8]) -> bool {
    let mut d = Decoder::new(bytes);
    matches!(d.array(), Ok(Some(6))) && matches!(d.str(), Ok(MAGIC))
}

pub(super) fn encode(root: &TrustRoot) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail: the error type is `Infallible`.
    let _ = write(&mut e, root);
    e.into_writer()
}

fn write(
    e: &mut Encoder<Vec<u8>>,
    root: &TrustRoot,
) -> Result<(), minicbor::encode::Error<core::convert::Infallible>> {
    e.array(6)?.str(MAGIC)?.u32(FORMAT_VERSION)?;
    for logs in [&root.tlogs, &root.ctlogs] {
        e.array(len(logs.len()))?;
        for log in logs.iter() {
            e.array(6)?.str(&log.authority)?.bytes(&log.log_id)?;
            match &log.key {
                None => e.u8(KEY_NONE)?.bytes(&[])?,
                Some(k) if k.is_pkcs1_rsa() => e.u8(KEY_PKCS1_RSA)?.bytes(k.der())?,
                Some(k) => e.u8(KEY_SPKI)?.bytes(k.der())?,
            };
            write_range(e, &log.valid_for)?;
        }
    }
    for cas in [&root.certificate_authorities, &root.timestamp_authorities] {
        e.array(len(cas.len()))?;
        for ca in cas.iter() {
            e.array(3)?.array(len(ca.chain.len()))?;
            for cert in &ca.chain {
                e.bytes(cert)?;
            }
            write_range(e, &ca.valid_for)?;
        }
    }
    Ok(())
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn write_range(
    e: &mut Encoder<Vec<u8>>,
    range: &TimeRange,
) -> Result<(), minicbor::encode::Error<core::convert::Infallible>> {
    e.u64(range.start.as_millis())?;
    match range.end {
        Some(end) => e.u64(end.as_millis())?,
        None => e.null()?,
    };
    Ok(())
}

fn malformed(_: minicbor::decode::Error) -> Error {
    Error::TrustRootInvalid {
        reason: "malformed compact (CBOR) trust root",
    }
}

fn invalid(reason: &'static str) -> Error {
    Error::TrustRootInvalid { reason }
}

/// A definite-length array header with exactly `n` elements.
fn exact_array(d: &mut Decoder<'_>, n: u64) -> Result<(), Error> {
    match d.array().map_err(malformed)? {
        Some(len) if len == n => Ok(()),
        _ => Err(invalid("compact trust root: unexpected structure")),
    }
}

/// A definite-length array header with at most `max` elements.
fn bounded_array(d: &mut Decoder<'_>, max: usize, what: &'static str) -> Result<usize, Error> {
    let len = d
        .array()
        .map_err(malformed)?
        .ok_or(invalid("compact trust root: indefinite-length array"))?;
    match usize::try_from(len) {
        Ok(n) if n <= max => Ok(n),
        _ => Err(Error::LimitExceeded {
            document: Document::TrustRoot,
            what,
            limit: max,
        }),
    }
}

pub(super) fn decode(bytes: &[u8]) -> Result<TrustRoot, Error> {
    if bytes.len() > limits::MAX_TRUST_ROOT_BYTES {
        return Err(Error::LimitExceeded {
            document: Document::TrustRoot,
            what: "trust root size",
            limit: limits::MAX_TRUST_ROOT_BYTES,
        });
    }
    let mut d = Decoder::new(bytes);
    exact_array(&mut d, 6)?;
    if d.str().map_err(malformed)? != MAGIC {
        return Err(invalid("not a compact edgeverify trust root"));
    }
    match d.u32().map_err(malformed)? {
        FORMAT_VERSION => {}
        FORMAT_VERSION_CLAIMED_DIGEST => {
            return Err(invalid(
                "compact trust root format 1 is no longer accepted: compile it again with \
                 `edgeverify trust-root compile` and pin the new file's SHA-256",
            ))
        }
        _ => return Err(invalid("unsupported compact trust root format version")),
    }
    let tlogs = read_logs(&mut d)?;
    let ctlogs = read_logs(&mut d)?;
    let certificate_authorities = read_cas(&mut d)?;
    let timestamp_authorities = read_cas(&mut d)?;
    if d.position() != bytes.len() {
        return Err(invalid("compact trust root: trailing bytes"));
    }
    Ok(TrustRoot {
        tlogs,
        ctlogs,
        certificate_authorities,
        timestamp_authorities,
        source_sha256: crypto::sha256(bytes),
    }
    .with_pinned_chain_signatures())
}

fn read_logs(d: &mut Decoder<'_>) -> Result<Vec<TransparencyLog>, Error> {
    let n = bounded_array(d, limits::MAX_TRUST_ROOT_ENTRIES, "trust root entries")?;
    let mut logs = Vec::with_capacity(n);
    for _ in 0..n {
        exact_array(d, 6)?;
        let authority = d.str().map_err(malformed)?;
        let log_id = d.bytes().map_err(malformed)?;
        if log_id.is_empty() {
            return Err(invalid("log has an empty logId"));
        }
        let encoding = d.u8().map_err(malformed)?;
        let der = d.bytes().map_err(malformed)?;
        let key = match encoding {
            KEY_NONE if der.is_empty() => None,
            KEY_SPKI => Some(PublicKey::from_spki_der(der).map_err(key_error)?),
            KEY_PKCS1_RSA => Some(PublicKey::from_pkcs1_rsa(der).map_err(key_error)?),
            _ => return Err(invalid("compact trust root: unknown key encoding")),
        };
        let valid_for = read_range(d)?;
        logs.push(TransparencyLog::new(
            String::from(authority),
            log_id.to_vec(),
            key,
            valid_for,
        )?);
    }
    Ok(logs)
}

fn read_cas(d: &mut Decoder<'_>) -> Result<Vec<CertificateAuthority>, Error> {
    let n = bounded_array(d, limits::MAX_TRUST_ROOT_ENTRIES, "trust root entries")?;
    let mut cas = Vec::with_capacity(n);
    for _ in 0..n {
        exact_array(d, 3)?;
        let certs = bounded_array(d, limits::MAX_CHAIN_CERTIFICATES, "certificate chain")?;
        if certs == 0 {
            return Err(invalid("certificate authority has an empty chain"));
        }
        let mut chain = Vec::with_capacity(certs);
        for _ in 0..certs {
            chain.push(d.bytes().map_err(malformed)?.to_vec());
        }
        let valid_for = read_range(d)?;
        cas.push(CertificateAuthority::new(chain, valid_for));
    }
    Ok(cas)
}

fn read_range(d: &mut Decoder<'_>) -> Result<TimeRange, Error> {
    let start = UnixTime::from_millis(d.u64().map_err(malformed)?);
    let end = if d.datatype().map_err(malformed)? == Type::Null {
        d.null().map_err(malformed)?;
        None
    } else {
        Some(UnixTime::from_millis(d.u64().map_err(malformed)?))
    };
    Ok(TimeRange { start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> TrustRoot {
        TrustRoot::embedded_production().unwrap()
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn round_trips_and_is_smaller() {
        let root = production();
        let cbor = root.to_cbor();
        assert!(looks_like_cbor(&cbor));
        assert!(!looks_like_cbor(super::super::EMBEDDED_PRODUCTION_JSON));
        assert!(cbor.len() < super::super::EMBEDDED_PRODUCTION_JSON.len() * 3 / 4);
        let back = TrustRoot::from_cbor(&cbor).unwrap();
        assert_eq!(back.to_cbor(), cbor);
        // The digest is the CBOR file's own, never the JSON's it was compiled from.
        assert_eq!(back.source_sha256(), &crypto::sha256(&cbor));
        assert_ne!(back.source_sha256(), root.source_sha256());
        assert_eq!(back.tlogs.len(), root.tlogs.len());
        for (a, b) in back.tlogs.iter().zip(&root.tlogs) {
            assert_eq!(
                (&a.authority, &a.hostname, &a.log_id, &a.key, a.valid_for),
                (&b.authority, &b.hostname, &b.log_id, &b.key, b.valid_for)
            );
        }
        for (a, b) in back
            .certificate_authorities
            .iter()
            .zip(&root.certificate_authorities)
        {
            assert_eq!((&a.chain, a.valid_for), (&b.chain, b.valid_for));
        }
        assert!(matches!(TrustRoot::from_bytes(&cbor), Ok(r) if r.to_cbor() == cbor));
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn rejects_damaged_input() {
        let cbor = production().to_cbor();
        // Every truncation fails (never a partial root).
        for n in 0..cbor.len() {
            assert!(TrustRoot::from_cbor(cbor.get(..n).unwrap()).is_err(), "{n}");
        }
        let mut trailing = cbor.clone();
        trailing.push(0);
        assert!(TrustRoot::from_cbor(&trailing).is_err());
        // The version follows the magic (1 + 1 + 21 bytes in).
        let mut version = cbor.clone();
        assert_eq!(version[23], 2);
        version[23] = 3;
        assert_eq!(
            *TrustRoot::from_cbor(&version).unwrap_err().cause(),
            Error::TrustRootInvalid {
                reason: "unsupported compact trust root format version"
            }
        );
        let mut magic = cbor;
        magic[2] ^= 0x20;
        assert!(TrustRoot::from_cbor(&magic).is_err());
        assert!(TrustRoot::from_cbor(&[0x9f, 0xff]).is_err());
    }

    /// Format 1 recorded the SHA-256 of the JSON it was compiled from right after the version,
    /// and that claim stood in for the file's digest. Such a file, even one whose claim is the
    /// genuine production digest, is refused with a message saying what to do.
    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn refuses_format_1_and_its_claimed_digest() {
        let v2 = production().to_cbor();
        let mut v1 = v2.get(..23).unwrap().to_vec();
        v1.push(1);
        let mut claim = Encoder::new(Vec::new());
        claim
            .bytes(&crate::encoding::hex_decode(super::super::EMBEDDED_PRODUCTION_SHA256).unwrap())
            .unwrap();
        v1.extend_from_slice(&claim.into_writer());
        v1.extend_from_slice(v2.get(24..).unwrap());
        let err = TrustRoot::from_cbor(&v1).unwrap_err();
        assert!(
            matches!(err.cause(), Error::TrustRootInvalid { reason } if reason.contains("format 1")),
            "{err:?}"
        );
        assert!(TrustRoot::from_bytes(&v1).is_err());
    }

    #[test]
    fn enforces_entry_limits() {
        let mut e = Encoder::new(Vec::new());
        e.array(6).unwrap().str(MAGIC).unwrap().u32(2).unwrap();
        e.array(u64::MAX).unwrap();
        let bytes = e.into_writer();
        assert!(matches!(
            TrustRoot::from_cbor(&bytes).map_err(|e| e.cause().clone()),
            Err(Error::LimitExceeded {
                document: Document::TrustRoot,
                ..
            })
        ));
    }
}
