//! The RFC 3161 timestamping authority: its own chain (P-384 root, P-384 leaf with the single
//! critical timeStamping EKU) and DER `TimeStampResp`s shaped like the Sigstore TSA's
//! (SignedData v3, TSTInfo with accuracy, nonce and TSA name, signed attributes with
//! contentType, signingTime, messageDigest and signingCertificateV2, ECDSA P-384 over
//! SHA-256).

use der::{Decode as _, Encode as _};
use x509_cert::Certificate;

use crate::crypto::{HashAlg, KeyAlg, SigningKey, OID_ECDSA_SHA256};
use crate::der_write as w;
use crate::seed::Seed;
use crate::x509::{self, CertParts};
use crate::Error;

const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
const OID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const OID_SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
/// Sigstore's TSA policy OID.
const POLICY: &str = "1.3.6.1.4.1.57264.2";

/// How a timestamp is broken, for the "one of two timestamps fails" variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BrokenTimestamp {
    /// The CMS signature does not verify (it was made over other bytes).
    BadSignature,
    /// The message imprint is the hash of other bytes than the bundle signature.
    WrongImprint,
    /// Signed, with its certificate embedded, by a TSA the trust root does not list.
    UntrustedAuthority,
}

/// One authority: chain and signing key.
pub(crate) struct Tsa {
    pub(crate) root_der: Vec<u8>,
    pub(crate) leaf_der: Vec<u8>,
    leaf_key: SigningKey,
    pub(crate) uri: String,
    pub(crate) valid_from: u64,
    seed: Seed,
    label: String,
    issued: u64,
}

const YEAR: u64 = 365 * 24 * 3600;

impl Tsa {
    pub(crate) fn new(seed: &Seed, label: &str, base_time: u64, uri: &str) -> Result<Self, Error> {
        let root_key = seed.key(KeyAlg::EcdsaP384, &format!("{label}/root"))?;
        let leaf_key = seed.key(KeyAlg::EcdsaP384, &format!("{label}/leaf"))?;
        let root_name = x509::name(&format!(
            "CN=edgeverify-testinstance {label} root,O=edgeverify.test"
        ))?;
        let leaf_name = x509::name(&format!(
            "CN=edgeverify-testinstance {label},O=edgeverify.test"
        ))?;
        let valid_from = base_time.saturating_sub(YEAR);
        let root_der = x509::self_signed_ca(
            &root_key,
            &root_name,
            &seed.serial(&format!("{label}/root/serial")),
            (valid_from, base_time + 10 * YEAR),
            0,
        )?;
        // Like the Sigstore TSA leaf: no BasicConstraints, KU digitalSignature, EKU
        // timeStamping only and critical (RFC 3161 §2.3).
        let leaf_der = x509::issue(
            CertParts {
                serial: &seed.serial(&format!("{label}/leaf/serial")),
                issuer: root_name,
                subject: leaf_name,
                not_before: valid_from,
                not_after: base_time + 9 * YEAR,
                subject_key: &leaf_key,
                extensions: vec![
                    x509::key_usage_signing()?,
                    x509::subject_key_identifier(&leaf_key)?,
                    x509::authority_key_identifier(&root_key)?,
                    x509::extended_key_usage(x509::OID_TIME_STAMPING, true)?,
                ],
            },
            &root_key,
        )?;
        Ok(Self {
            root_der,
            leaf_der,
            leaf_key,
            uri: uri.to_string(),
            valid_from,
            seed: seed.clone(),
            label: label.to_string(),
            issued: 0,
        })
    }

    /// A granted `TimeStampResp` over `message` (the bundle signature) at `gen_time`.
    pub(crate) fn respond(
        &mut self,
        message: &[u8],
        gen_time: u64,
        imprint_hash: HashAlg,
        embed_certificate: bool,
        broken: Option<BrokenTimestamp>,
    ) -> Result<Vec<u8>, Error> {
        self.issued += 1;
        let serial = self
            .seed
            .serial(&format!("{}/token/{}", self.label, self.issued));
        let nonce = self
            .seed
            .serial(&format!("{}/nonce/{}", self.label, self.issued));
        let imprinted = match broken {
            Some(BrokenTimestamp::WrongImprint) => [message, b"-not-the-signature"].concat(),
            _ => message.to_vec(),
        };
        let leaf = Certificate::from_der(&self.leaf_der)?;
        let tsa_name = leaf.tbs_certificate.subject.to_der()?;
        let tst_info = w::seq(&[
            &w::small_uint(1),
            &w::oid(POLICY)?,
            &w::seq(&[
                &w::algorithm_with_null(imprint_hash.oid())?,
                &w::octets(&imprint_hash.digest(&imprinted)),
            ]),
            &w::uint(&serial),
            &w::generalized_time(gen_time)?,
            &w::seq(&[&w::small_uint(1)]), // accuracy: 1 second
            &w::uint(nonce.get(..8).unwrap_or_default()),
            // tsa [0] EXPLICIT GeneralName, directoryName [4] EXPLICIT Name
            &w::context(0, &w::context(4, &tsa_name)),
        ]);

        let issuer = leaf.tbs_certificate.issuer.to_der()?;
        let leaf_serial = leaf.tbs_certificate.serial_number.to_der()?;
        let ess_cert_id = w::seq(&[
            &w::octets(&HashAlg::Sha256.digest(&self.leaf_der)),
            // IssuerSerial { issuer GeneralNames, serialNumber }
            &w::seq(&[&w::seq(&[&w::context(4, &issuer)]), &leaf_serial]),
        ]);
        let attribute = |oid: &str, value: &[u8]| -> Result<Vec<u8>, Error> {
            Ok(w::seq(&[&w::oid(oid)?, &w::set_of(&[value])]))
        };
        let attrs = [
            attribute(OID_CONTENT_TYPE, &w::oid(OID_TST_INFO)?)?,
            attribute(OID_SIGNING_TIME, &w::utc_time(gen_time)?)?,
            attribute(
                OID_MESSAGE_DIGEST,
                &w::octets(&HashAlg::Sha256.digest(&tst_info)),
            )?,
            attribute(
                OID_SIGNING_CERTIFICATE_V2,
                &w::seq(&[&w::seq(&[&ess_cert_id])]),
            )?,
        ];
        let attr_refs: Vec<&[u8]> = attrs.iter().map(Vec::as_slice).collect();
        // Signed as a SET OF (RFC 5652 §5.4); stored as [0] IMPLICIT with the same content.
        let signed_attrs = w::set_of(&attr_refs);

        let (signer_key, signer_der) = match broken {
            Some(BrokenTimestamp::UntrustedAuthority) => {
                let rogue = Self::new(
                    &self.seed,
                    &format!("{}-rogue", self.label),
                    self.valid_from + YEAR,
                    "https://rogue-tsa.edgeverify.test",
                )?;
                (rogue.leaf_key, rogue.leaf_der)
            }
            _ => (self.leaf_key.clone(), self.leaf_der.clone()),
        };
        let signature = match broken {
            Some(BrokenTimestamp::BadSignature) => {
                signer_key.sign_with(HashAlg::Sha256, &[&signed_attrs[..], b"x"].concat())?
            }
            _ => signer_key.sign_with(HashAlg::Sha256, &signed_attrs)?,
        };
        let signer_cert = Certificate::from_der(&signer_der)?;
        let signer_info = w::seq(&[
            &w::small_uint(1),
            // sid: IssuerAndSerialNumber
            &w::seq(&[
                &signer_cert.tbs_certificate.issuer.to_der()?,
                &signer_cert.tbs_certificate.serial_number.to_der()?,
            ]),
            &w::algorithm(HashAlg::Sha256.oid())?,
            &w::context(0, der_content(&signed_attrs)?),
            &w::algorithm(OID_ECDSA_SHA256)?,
            &w::octets(&signature),
        ]);

        let certificates =
            if embed_certificate || broken == Some(BrokenTimestamp::UntrustedAuthority) {
                w::context(0, &signer_der)
            } else {
                Vec::new()
            };
        let signed_data = w::seq(&[
            &w::small_uint(3),
            &w::set_of(&[&w::algorithm(HashAlg::Sha256.oid())?]),
            &w::seq(&[
                &w::oid(OID_TST_INFO)?,
                &w::context(0, &w::octets(&tst_info)),
            ]),
            &certificates,
            &w::set_of(&[&signer_info]),
        ]);
        let content_info = w::seq(&[&w::oid(OID_SIGNED_DATA)?, &w::context(0, &signed_data)]);
        Ok(w::seq(&[&w::seq(&[&w::small_uint(0)]), &content_info]))
    }
}

/// The content octets of one DER TLV.
fn der_content(tlv: &[u8]) -> Result<&[u8], Error> {
    let malformed = || Error::msg("malformed DER produced internally");
    let first = *tlv.get(1).ok_or_else(malformed)?;
    let start = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7f)
    };
    tlv.get(start..).ok_or_else(malformed)
}
