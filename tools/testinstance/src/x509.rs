//! Certificate building: a TBS from parts, signed by an issuer key, plus the extensions the
//! Fulcio and TSA profiles use.

use core::str::FromStr as _;
use core::time::Duration;

use der::asn1::{BitString, GeneralizedTime, Ia5String, OctetString, UtcTime};
use der::Encode as _;
use x509_cert::certificate::Version;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

use crate::crypto::{oid, SigningKey};
use crate::Error;

pub(crate) const OID_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
pub(crate) const OID_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
pub(crate) const OID_SCT_LIST: &str = "1.3.6.1.4.1.11129.2.4.2";

/// A distinguished name from RFC 4514 text (`CN=…,O=…`).
pub(crate) fn name(text: &str) -> Result<Name, Error> {
    Ok(Name::from_str(text)?)
}

fn time(unix: u64) -> Result<Time, Error> {
    let d = Duration::from_secs(unix);
    // RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
    if unix < 2_524_608_000 {
        Ok(Time::UtcTime(UtcTime::from_unix_duration(d)?))
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_unix_duration(d)?))
    }
}

/// The parts of a certificate that vary between CA, leaf and TSA certificates.
pub(crate) struct CertParts<'a> {
    pub(crate) serial: &'a [u8],
    pub(crate) issuer: Name,
    pub(crate) subject: Name,
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
    pub(crate) subject_key: &'a SigningKey,
    pub(crate) extensions: Vec<Extension>,
}

/// The TBSCertificate for `parts`, to be signed by `issuer_key`.
pub(crate) fn tbs(parts: CertParts<'_>, issuer_key: &SigningKey) -> Result<TbsCertificate, Error> {
    Ok(TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(parts.serial)?,
        signature: spki::AlgorithmIdentifierOwned {
            oid: oid(issuer_key.x509_signature_oid()?)?,
            parameters: None,
        },
        issuer: parts.issuer,
        validity: Validity {
            not_before: time(parts.not_before)?,
            not_after: time(parts.not_after)?,
        },
        subject: parts.subject,
        subject_public_key_info: parts.subject_key.spki()?,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(parts.extensions),
    })
}

/// Signs a TBS and returns the certificate's DER.
pub(crate) fn sign(tbs: TbsCertificate, issuer_key: &SigningKey) -> Result<Vec<u8>, Error> {
    let tbs_der = tbs.to_der()?;
    let signature = issuer_key.sign(&tbs_der)?;
    let cert = Certificate {
        signature_algorithm: tbs.signature.clone(),
        tbs_certificate: tbs,
        signature: BitString::from_bytes(&signature)?,
    };
    Ok(cert.to_der()?)
}

/// Builds and signs a certificate in one step.
pub(crate) fn issue(parts: CertParts<'_>, issuer_key: &SigningKey) -> Result<Vec<u8>, Error> {
    sign(tbs(parts, issuer_key)?, issuer_key)
}

/// A self-signed CA certificate (KU keyCertSign|cRLSign, BasicConstraints with `path_len`).
pub(crate) fn self_signed_ca(
    key: &SigningKey,
    name: &Name,
    serial: &[u8],
    validity: (u64, u64),
    path_len: u8,
) -> Result<Vec<u8>, Error> {
    issue(
        CertParts {
            serial,
            issuer: name.clone(),
            subject: name.clone(),
            not_before: validity.0,
            not_after: validity.1,
            subject_key: key,
            extensions: vec![
                key_usage_ca()?,
                basic_constraints(true, Some(path_len))?,
                subject_key_identifier(key)?,
            ],
        },
        key,
    )
}

fn ext(id: &str, critical: bool, value: Vec<u8>) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: oid(id)?,
        critical,
        extn_value: OctetString::new(value)?,
    })
}

pub(crate) fn basic_constraints(ca: bool, path_len: Option<u8>) -> Result<Extension, Error> {
    let value = BasicConstraints {
        ca,
        path_len_constraint: path_len,
    };
    ext("2.5.29.19", true, value.to_der()?)
}

pub(crate) fn key_usage_ca() -> Result<Extension, Error> {
    let value = KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign);
    ext("2.5.29.15", true, value.to_der()?)
}

pub(crate) fn key_usage_signing() -> Result<Extension, Error> {
    let value = KeyUsage(KeyUsages::DigitalSignature.into());
    ext("2.5.29.15", true, value.to_der()?)
}

pub(crate) fn extended_key_usage(purpose: &str, critical: bool) -> Result<Extension, Error> {
    let value = ExtendedKeyUsage(vec![oid(purpose)?]);
    ext("2.5.29.37", critical, value.to_der()?)
}

/// A key identifier: the first 20 bytes of SHA-256 over the raw public key.
pub(crate) fn key_id(key: &SigningKey) -> Vec<u8> {
    crate::crypto::HashAlg::Sha256
        .digest(&key.raw_public_key())
        .into_iter()
        .take(20)
        .collect()
}

pub(crate) fn subject_key_identifier(key: &SigningKey) -> Result<Extension, Error> {
    let value = SubjectKeyIdentifier(OctetString::new(key_id(key))?);
    ext("2.5.29.14", false, value.to_der()?)
}

pub(crate) fn authority_key_identifier(issuer: &SigningKey) -> Result<Extension, Error> {
    let value = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id(issuer))?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    ext("2.5.29.35", false, value.to_der()?)
}

/// Fulcio's SAN: one URI or one e-mail address, critical (the subject is empty).
pub(crate) fn subject_alt_name(san: &crate::identity::San) -> Result<Extension, Error> {
    let name = match san {
        crate::identity::San::Uri(uri) => {
            GeneralName::UniformResourceIdentifier(Ia5String::new(uri)?)
        }
        crate::identity::San::Email(email) => GeneralName::Rfc822Name(Ia5String::new(email)?),
    };
    ext("2.5.29.17", true, SubjectAltName(vec![name]).to_der()?)
}

/// A Fulcio extension `1.3.6.1.4.1.57264.1.<arc>`: raw UTF-8 for `.1`–`.6`, a DER
/// UTF8String from `.8` on (Fulcio's `oid-info.md`).
pub(crate) fn fulcio_extension(arc: u32, value: &str) -> Result<Extension, Error> {
    let id = format!("1.3.6.1.4.1.57264.1.{arc}");
    let content = if arc <= 6 {
        value.as_bytes().to_vec()
    } else {
        der::asn1::Utf8StringRef::new(value)?.to_der()?
    };
    ext(&id, false, content)
}

/// The embedded SCT list: `extnValue` holds an OCTET STRING wrapping the TLS-encoded list.
pub(crate) fn sct_list(scts: &[Vec<u8>]) -> Result<Extension, Error> {
    let mut items = Vec::new();
    for sct in scts {
        items.extend_from_slice(&u16_len(sct.len())?);
        items.extend_from_slice(sct);
    }
    let mut list = u16_len(items.len())?.to_vec();
    list.extend_from_slice(&items);
    ext(OID_SCT_LIST, false, OctetString::new(list)?.to_der()?)
}

pub(crate) fn u16_len(len: usize) -> Result<[u8; 2], Error> {
    u16::try_from(len)
        .map(u16::to_be_bytes)
        .map_err(|_| Error::msg("TLS vector longer than 65535 bytes"))
}

/// The subject of a DER certificate, re-encoded (for issuer fields and CMS signer IDs).
pub(crate) fn subject_of(cert_der: &[u8]) -> Result<Name, Error> {
    use der::Decode as _;
    Ok(Certificate::from_der(cert_der)?.tbs_certificate.subject)
}
