//! RFC 3161 signed timestamps: a trusted timestamping authority attests that the bundle's
//! signature existed at `genTime`.
//!
//! The bundle carries a DER `TimeStampResp`. We check, in order: status granted; a CMS
//! SignedData holding a TSTInfo; the message imprint is the hash of the signature bytes;
//! exactly one signer, whose certificate is the trust root's TSA leaf (or, for roots that list
//! no leaf, a certificate embedded in the token) and chains to the TSA root at `genTime` with
//! the time-stamping EKU; signed attributes bind the TSTInfo; the CMS signature verifies; and
//! `genTime` lies within the authority's `validFor` window.

use alloc::vec::Vec;

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode as _, Encode as _, Reader as _, SliceReader, Tag, TagNumber, Tagged as _};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_cert::Certificate;

use crate::crypto::{self, HashAlgorithm, PublicKey};
use crate::error::Error;
use crate::time::UnixTime;
use crate::trust_root::{CertificateAuthority, TrustRoot};
use crate::x509::{self, OID_TIME_STAMPING};

use self::asn1::{SignedData, TimeStampResp, TstInfo};

const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const OID_ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_RSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const OID_RSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");

/// A timestamp whose every check passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct VerifiedTimestamp {
    pub(crate) time: UnixTime,
    /// Index of the authority in the trust root's `timestampAuthorities`.
    pub(crate) authority: usize,
}

fn invalid(reason: &'static str) -> Error {
    Error::TimestampInvalid { reason }
}

/// Verifies one DER `TimeStampResp` over `signature` (the raw bundle signature bytes).
pub(crate) fn verify_timestamp(
    response: &[u8],
    signature: &[u8],
    root: &TrustRoot,
) -> Result<VerifiedTimestamp, Error> {
    let resp = TimeStampResp::from_der(response).map_err(|_| invalid("not a DER TimeStampResp"))?;
    if !matches!(
        resp.status.status,
        cmpv2::status::PkiStatus::Accepted | cmpv2::status::PkiStatus::GrantedWithMods
    ) {
        return Err(invalid("timestamp response status is not granted"));
    }
    let token = resp
        .time_stamp_token
        .ok_or(invalid("timestamp response has no token"))?;
    let (signed_data, signed_data_der) = decode_signed_data(&token)?;

    // The TSTInfo, as the exact bytes the signer hashed.
    let encap = &signed_data.encap_content_info;
    if encap.econtent_type != OID_TST_INFO {
        return Err(invalid("token does not hold a TSTInfo"));
    }
    let econtent = encap
        .econtent
        .as_ref()
        .ok_or(invalid("token has no content"))?;
    let tst_der = OctetStringRef::try_from(econtent)
        .map_err(|_| invalid("TSTInfo is not wrapped in an OCTET STRING"))?
        .as_bytes();
    let tst = TstInfo::from_der(tst_der).map_err(|_| invalid("malformed TSTInfo"))?;

    // The imprint must cover the signature bytes (not the artifact, not base64 text).
    let imprint_alg = HashAlgorithm::from_oid(&tst.message_imprint.hash_algorithm.oid)
        .ok_or(invalid("message imprint uses an unsupported or weak hash"))?;
    if !crypto::bytes_equal(
        imprint_alg.digest(signature).as_bytes(),
        tst.message_imprint.hashed_message.as_bytes(),
    ) {
        return Err(invalid("message imprint does not match the signature"));
    }
    let gen_time = UnixTime::from_secs(tst.gen_time.to_unix_duration().as_secs());

    let mut signers = signed_data.signer_infos.0.iter();
    let (Some(signer), None) = (signers.next(), signers.next()) else {
        return Err(invalid("token must have exactly one signer"));
    };
    check_signed_attributes(signer, tst_der)?;
    let signed_attrs = raw_signed_attributes(&signed_data_der)?;

    let embedded: Vec<&Certificate> = signed_data
        .certificates
        .as_ref()
        .map(|set| {
            set.0
                .iter()
                .filter_map(|c| match c {
                    CertificateChoices::Certificate(cert) => Some(cert),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();

    let mut last = invalid("no trusted timestamping authority was valid at the timestamp time");
    for (index, authority) in root.timestamp_authorities.iter().enumerate() {
        if !authority.valid_for.contains(gen_time) {
            continue;
        }
        match verify_with_authority(authority, signer, &embedded, &signed_attrs, gen_time) {
            Ok(()) => {
                return Ok(VerifiedTimestamp {
                    time: gen_time,
                    authority: index,
                })
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn decode_signed_data(token: &ContentInfo) -> Result<(SignedData, Vec<u8>), Error> {
    if token.content_type != OID_SIGNED_DATA {
        return Err(invalid("token is not CMS SignedData"));
    }
    let der = token
        .content
        .to_der()
        .map_err(|_| invalid("cannot re-read SignedData"))?;
    let signed_data = SignedData::from_der(&der).map_err(|_| invalid("malformed SignedData"))?;
    Ok((signed_data, der))
}

/// signedAttrs must name the TSTInfo content type and carry its digest.
fn check_signed_attributes(signer: &SignerInfo, tst_der: &[u8]) -> Result<(), Error> {
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or(invalid("signer has no signed attributes"))?;
    let digest_alg = HashAlgorithm::from_oid(&signer.digest_alg.oid)
        .ok_or(invalid("signer digest algorithm unsupported"))?;
    let single_value = |oid: ObjectIdentifier| {
        let mut matching = attrs.iter().filter(|a| a.oid == oid);
        match (matching.next(), matching.next()) {
            (Some(attr), None) if attr.values.len() == 1 => attr.values.get(0),
            _ => None,
        }
    };
    let content_type = single_value(OID_CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .ok_or(invalid("signed attributes lack the content type"))?;
    if content_type != OID_TST_INFO {
        return Err(invalid("signed content type is not TSTInfo"));
    }
    let digest = single_value(OID_MESSAGE_DIGEST)
        .and_then(|v| OctetStringRef::try_from(v).ok())
        .ok_or(invalid("signed attributes lack the message digest"))?;
    if !crypto::bytes_equal(digest_alg.digest(tst_der).as_bytes(), digest.as_bytes()) {
        return Err(invalid("signed message digest does not match the TSTInfo"));
    }
    Ok(())
}

/// The signed attributes exactly as encoded in the token, re-tagged from `[0] IMPLICIT` to
/// `SET` (RFC 5652 §5.4). Taken from the raw bytes rather than re-encoded, because decoding
/// normalises SET order and a TSA that did not sort would then fail to verify.
fn raw_signed_attributes(signed_data_der: &[u8]) -> Result<Vec<u8>, Error> {
    let walk = || -> der::Result<Option<Vec<u8>>> {
        let signed_data = AnyRef::from_der(signed_data_der)?;
        // SignerInfos is the last element of SignedData.
        let Some(signer_infos) = children(signed_data.value())?.pop() else {
            return Ok(None);
        };
        let infos = children(signer_infos.value())?;
        let [signer_info] = infos.as_slice() else {
            return Ok(None);
        };
        let attrs_tag = Tag::ContextSpecific {
            constructed: true,
            number: TagNumber::N0,
        };
        for field in children(signer_info.value())? {
            if field.tag() == attrs_tag {
                return Ok(Some(AnyRef::new(Tag::Set, field.value())?.to_der()?));
            }
        }
        Ok(None)
    };
    walk()
        .ok()
        .flatten()
        .ok_or(invalid("cannot locate the signed attributes"))
}

/// The TLV children of a constructed value.
fn children(value: &[u8]) -> der::Result<Vec<AnyRef<'_>>> {
    let mut reader = SliceReader::new(value)?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(reader.decode()?);
    }
    Ok(out)
}

fn verify_with_authority(
    authority: &CertificateAuthority,
    signer: &SignerInfo,
    embedded: &[&Certificate],
    signed_attrs: &[u8],
    gen_time: UnixTime,
) -> Result<(), Error> {
    let trusted_leaf = authority
        .chain
        .first()
        .and_then(|der| Certificate::from_der(der).ok().map(|c| (der, c)))
        .filter(|(_, c)| !is_ca(c));
    // The signer: when the trust root names the TSA leaf, it is that certificate and no
    // other; otherwise a certificate embedded in the token, to be chained to the root.
    let signer_der = match trusted_leaf {
        Some((der, cert)) => {
            if !identifies(&signer.sid, &cert) {
                return Err(invalid(
                    "token was not signed by the trusted TSA certificate",
                ));
            }
            der.clone()
        }
        None => {
            let cert = embedded
                .iter()
                .find(|c| identifies(&signer.sid, c))
                .ok_or(invalid("signer certificate not found in the token"))?;
            cert.to_der()
                .map_err(|_| invalid("cannot encode the signer certificate"))?
        }
    };
    let signer_cert =
        Certificate::from_der(&signer_der).map_err(|_| invalid("malformed signer certificate"))?;
    check_tsa_leaf_profile(&signer_cert)?;
    x509::verify_path(&signer_der, authority, gen_time, &OID_TIME_STAMPING).map_err(|_| {
        invalid("TSA certificate does not chain to the trusted root at the timestamp time")
    })?;

    let spki = signer_cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|_| invalid("cannot encode the TSA public key"))?;
    let key = PublicKey::from_spki_der(&spki)
        .map_err(|_| invalid("the TSA certificate's public key is malformed or unsupported"))?;
    let hash = signature_hash(signer)?;
    key.verify_with_tables(
        hash,
        signed_attrs,
        signer.signature.as_bytes(),
        &authority.key_tables,
    )
    .map_err(|_| invalid("CMS signature does not verify with the TSA key"))
}

/// The hash for the CMS signature, from its algorithm (or, for bare rsaEncryption and
/// Ed25519, from the digest algorithm).
fn signature_hash(signer: &SignerInfo) -> Result<HashAlgorithm, Error> {
    match signer.signature_algorithm.oid {
        OID_ECDSA_SHA256 | OID_RSA_SHA256 => Ok(HashAlgorithm::Sha256),
        OID_ECDSA_SHA384 | OID_RSA_SHA384 => Ok(HashAlgorithm::Sha384),
        OID_ECDSA_SHA512 | OID_RSA_SHA512 => Ok(HashAlgorithm::Sha512),
        OID_RSA_ENCRYPTION | OID_ED25519 => HashAlgorithm::from_oid(&signer.digest_alg.oid)
            .ok_or(invalid("unsupported CMS digest algorithm")),
        _ => Err(invalid("unsupported CMS signature algorithm")),
    }
}

/// A TSA leaf is an end entity whose EKU is critical and is exactly time-stamping
/// (RFC 3161 §2.3).
fn check_tsa_leaf_profile(cert: &Certificate) -> Result<(), Error> {
    if is_ca(cert) {
        return Err(invalid("TSA signing certificate is a CA"));
    }
    let exts = cert
        .tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default();
    let eku = exts
        .iter()
        .find(|e| e.extn_id == OID_EXTENDED_KEY_USAGE)
        .ok_or(invalid("TSA certificate has no extended key usage"))?;
    if !eku.critical {
        return Err(invalid(
            "TSA certificate extended key usage is not critical",
        ));
    }
    let purposes = ExtendedKeyUsage::from_der(eku.extn_value.as_bytes())
        .map_err(|_| invalid("malformed TSA extended key usage"))?;
    if purposes.0.as_slice() != [OID_TIME_STAMPING] {
        return Err(invalid("TSA certificate must be for time stamping only"));
    }
    Ok(())
}

fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.extn_id == OID_BASIC_CONSTRAINTS)
        .any(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|bc| bc.ca))
}

/// Whether the CMS signer identifier names `cert`.
fn identifies(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            id.issuer == cert.tbs_certificate.issuer
                && id.serial_number == cert.tbs_certificate.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => cert
            .tbs_certificate
            .extensions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|e| e.extn_id == ObjectIdentifier::new_unwrap("2.5.29.14"))
            .any(|e| {
                SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).is_ok_and(|own| own == *ski)
            }),
    }
}

/// The RFC 3161 structures we decode (section 2.4.2). Defined here rather than taken from the
/// `x509-tsp` crate, whose 0.1 release turns on `std` in `cms` and `cmpv2` unconditionally and
/// so would pull `std` into this `no_std` crate.
mod asn1 {
    use cmpv2::status::PkiStatusInfo;
    use cms::content_info::{CmsVersion, ContentInfo};
    use cms::signed_data::{
        CertificateSet, DigestAlgorithmIdentifiers, EncapsulatedContentInfo, SignerInfos,
    };
    use der::asn1::{GeneralizedTime, Int, ObjectIdentifier, OctetString};
    use der::{Any, Enumerated, Sequence};
    use spki::AlgorithmIdentifier;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::Extensions;

    /// CMS `SignedData` (RFC 5652 §5.1) as cms's, except that `crls` is kept as one undecoded
    /// value: revocation lists play no part in timestamp verification, and decoding every
    /// `RevocationInfoChoice` form cost ~25 KiB of the agent's size budget. A token whose `crls`
    /// is not a well-formed DER value is still refused.
    #[derive(Clone, Debug, Eq, PartialEq, Sequence)]
    pub(super) struct SignedData {
        pub(super) version: CmsVersion,
        pub(super) digest_algorithms: DigestAlgorithmIdentifiers,
        pub(super) encap_content_info: EncapsulatedContentInfo,
        #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
        pub(super) certificates: Option<CertificateSet>,
        #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
        pub(super) crls: Option<Any>,
        pub(super) signer_infos: SignerInfos,
    }

    /// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }`
    #[derive(Clone, Debug, Eq, PartialEq, Sequence)]
    pub(super) struct TimeStampResp<'a> {
        pub(super) status: PkiStatusInfo<'a>,
        #[asn1(optional = "true")]
        pub(super) time_stamp_token: Option<ContentInfo>,
    }

    /// `version INTEGER { v1(1) }`: any other version is rejected while decoding.
    #[derive(Clone, Copy, Debug, Enumerated, Eq, PartialEq)]
    #[asn1(type = "INTEGER")]
    #[repr(u8)]
    pub(super) enum Version {
        V1 = 1,
    }

    /// `TSTInfo`, field for field.
    #[derive(Clone, Debug, Eq, PartialEq, Sequence)]
    pub(super) struct TstInfo {
        pub(super) version: Version,
        pub(super) policy: ObjectIdentifier,
        pub(super) message_imprint: MessageImprint,
        pub(super) serial_number: Int,
        pub(super) gen_time: GeneralizedTime,
        #[asn1(optional = "true")]
        pub(super) accuracy: Option<Accuracy>,
        #[asn1(default = "Default::default")]
        pub(super) ordering: bool,
        #[asn1(optional = "true")]
        pub(super) nonce: Option<Int>,
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
        pub(super) tsa: Option<GeneralName>,
        #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
        pub(super) extensions: Option<Extensions>,
    }

    /// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`
    #[derive(Clone, Debug, Eq, PartialEq, Sequence)]
    pub(super) struct MessageImprint {
        pub(super) hash_algorithm: AlgorithmIdentifier<Any>,
        pub(super) hashed_message: OctetString,
    }

    /// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] INTEGER (1..999)
    /// OPTIONAL, micros [1] INTEGER (1..999) OPTIONAL }`
    #[derive(Clone, Debug, Eq, PartialEq, Sequence)]
    pub(super) struct Accuracy {
        #[asn1(optional = "true")]
        pub(super) seconds: Option<u64>,
        #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
        pub(super) millis: Option<u16>,
        #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
        pub(super) micros: Option<u16>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn garbage_is_rejected_without_panicking() {
        let root = TrustRoot::embedded_production().unwrap();
        for input in [
            &b""[..],
            b"\x30\x00",
            b"\x30\x03\x02\x01\x00",
            &[0x30, 0x82, 0xff, 0xff],
        ] {
            assert!(matches!(
                verify_timestamp(input, b"sig", &root),
                Err(Error::TimestampInvalid { .. })
            ));
        }
    }
}
