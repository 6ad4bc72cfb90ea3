//! X.509: the signing certificate, its Fulcio extensions and identity, and path validation to
//! a trusted certificate authority at a given (verified) time through rustls-webpki.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use der::asn1::{ObjectIdentifier, Utf8StringRef};
use der::{Decode as _, Encode as _};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use webpki::{ExtendedKeyUsageValidator, KeyPurposeId, KeyPurposeIdIter};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};
use x509_cert::Certificate;

use crate::crypto::{self, PublicKey, RememberedSignature};
use crate::error::Error;
use crate::time::UnixTime;
use crate::trust_root::CertificateAuthority;

const OID_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
pub(crate) const OID_CODE_SIGNING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
pub(crate) const OID_TIME_STAMPING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// RFC 6962 embedded SCT list.
pub(crate) const OID_SCT_LIST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
/// Fulcio's arc: 1.3.6.1.4.1.57264.1.N.
const FULCIO_ARC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1");
const OID_FULCIO_OTHERNAME_SAN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");

/// The Fulcio certificate extensions (OID `1.3.6.1.4.1.57264.1.N`), decoded to text.
///
/// `.1`–`.6` hold raw UTF-8 in the extension value; `.8` and later hold a DER UTF8String
/// (`.7` is an OtherName SAN type, not an extension). Values that are not valid text make the
/// certificate invalid rather than being skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FulcioExtensions {
    values: Vec<(u32, String)>,
}

impl FulcioExtensions {
    /// The value of `1.3.6.1.4.1.57264.1.<arc>`, if present.
    pub fn get(&self, arc: u32) -> Option<&str> {
        self.values
            .iter()
            .find(|(a, _)| *a == arc)
            .map(|(_, v)| v.as_str())
    }

    /// All present extensions as `(arc, value)`, in certificate order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.values.iter().map(|(a, v)| (*a, v.as_str()))
    }

    // Named accessors for the extensions of `fulcio/docs/oid-info.md` (arc
    // `1.3.6.1.4.1.57264.1.N`), so that no caller spells an arc number.

    /// OIDC issuer, legacy form (`.1`, raw; deprecated for `.8`).
    pub fn issuer_v1(&self) -> Option<&str> {
        self.get(1)
    }

    /// GitHub workflow trigger (`.2`, raw; deprecated for `.20`).
    pub fn github_workflow_trigger(&self) -> Option<&str> {
        self.get(2)
    }

    /// GitHub workflow commit SHA (`.3`, raw; deprecated for `.13`).
    pub fn github_workflow_sha(&self) -> Option<&str> {
        self.get(3)
    }

    /// GitHub workflow name (`.4`, raw; deprecated).
    pub fn github_workflow_name(&self) -> Option<&str> {
        self.get(4)
    }

    /// GitHub workflow repository `owner/repo` (`.5`, raw; deprecated for `.12`).
    pub fn github_workflow_repository(&self) -> Option<&str> {
        self.get(5)
    }

    /// GitHub workflow ref (`.6`, raw; deprecated for `.14`).
    pub fn github_workflow_ref(&self) -> Option<&str> {
        self.get(6)
    }

    /// OIDC issuer (`.8`).
    pub fn issuer(&self) -> Option<&str> {
        self.get(8)
    }

    /// Build signer URI: the signing workflow (`.9`).
    pub fn build_signer_uri(&self) -> Option<&str> {
        self.get(9)
    }

    /// Build signer digest (`.10`).
    pub fn build_signer_digest(&self) -> Option<&str> {
        self.get(10)
    }

    /// Runner environment, `github-hosted` or `self-hosted` (`.11`).
    pub fn runner_environment(&self) -> Option<&str> {
        self.get(11)
    }

    /// Source repository URI (`.12`).
    pub fn source_repository_uri(&self) -> Option<&str> {
        self.get(12)
    }

    /// Source repository digest: the commit (`.13`).
    pub fn source_repository_digest(&self) -> Option<&str> {
        self.get(13)
    }

    /// Source repository ref (`.14`).
    pub fn source_repository_ref(&self) -> Option<&str> {
        self.get(14)
    }

    /// Source repository identifier (`.15`).
    pub fn source_repository_identifier(&self) -> Option<&str> {
        self.get(15)
    }

    /// Source repository owner URI (`.16`).
    pub fn source_repository_owner_uri(&self) -> Option<&str> {
        self.get(16)
    }

    /// Source repository owner identifier (`.17`).
    pub fn source_repository_owner_identifier(&self) -> Option<&str> {
        self.get(17)
    }

    /// Build config URI: the top-level workflow (`.18`).
    pub fn build_config_uri(&self) -> Option<&str> {
        self.get(18)
    }

    /// Build config digest (`.19`).
    pub fn build_config_digest(&self) -> Option<&str> {
        self.get(19)
    }

    /// Build trigger: the event name (`.20`).
    pub fn build_trigger(&self) -> Option<&str> {
        self.get(20)
    }

    /// Run invocation URI (`.21`).
    pub fn run_invocation_uri(&self) -> Option<&str> {
        self.get(21)
    }

    /// Source repository visibility at signing (`.22`).
    pub fn source_repository_visibility_at_signing(&self) -> Option<&str> {
        self.get(22)
    }
}

/// A parsed leaf (signing) certificate. Parsing does not mean trusted: see
/// [`Leaf::verify_chain_at`].
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    pub(crate) der: Vec<u8>,
    pub(crate) cert: Certificate,
    pub(crate) public_key: PublicKey,
    pub(crate) not_before: UnixTime,
    pub(crate) not_after: UnixTime,
    /// The SAN that names the signer: first URI, else first email, else the Fulcio
    /// OtherName username (sigstore-go's order).
    pub(crate) identity: Option<String>,
    /// The first URI SAN (GitHub Actions workflow identities are URIs).
    pub(crate) first_uri: Option<String>,
    pub(crate) extensions: FulcioExtensions,
    is_ca: bool,
    eku: Vec<ObjectIdentifier>,
    digital_signature: Option<bool>,
}

/// The outcome of path validation that later stages need.
#[derive(Clone, Debug)]
pub(crate) struct VerifiedChain {
    /// DER SubjectPublicKeyInfo of the certificate that issued the leaf.
    pub(crate) issuer_spki: Vec<u8>,
}

impl Leaf {
    pub(crate) fn parse(der: &[u8]) -> Result<Self, Error> {
        let invalid = |reason| Error::CertificateInvalid { reason };
        let cert =
            Certificate::from_der(der).map_err(|_| invalid("not a DER X.509 certificate"))?;
        let tbs = &cert.tbs_certificate;
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|_| invalid("cannot encode the public key"))?;
        // The key is evidence: one that does not parse makes the certificate invalid.
        let public_key = PublicKey::from_spki_der(&spki).map_err(|e| match e {
            Error::PublicKeyInvalid { reason } => invalid(reason),
            other => other,
        })?;
        let not_before = UnixTime::from_secs(tbs.validity.not_before.to_unix_duration().as_secs());
        let not_after = UnixTime::from_secs(tbs.validity.not_after.to_unix_duration().as_secs());

        let mut leaf = Self {
            der: der.to_vec(),
            public_key,
            not_before,
            not_after,
            identity: None,
            first_uri: None,
            extensions: FulcioExtensions::default(),
            is_ca: false,
            eku: Vec::new(),
            digital_signature: None,
            cert: cert.clone(),
        };
        let (mut uris, mut emails, mut usernames) = (Vec::new(), Vec::new(), Vec::new());
        for ext in tbs.extensions.as_deref().unwrap_or_default() {
            let value = ext.extn_value.as_bytes();
            match ext.extn_id {
                OID_SUBJECT_ALT_NAME => {
                    let san = SubjectAltName::from_der(value)
                        .map_err(|_| invalid("malformed subject alternative name"))?;
                    for name in san.0 {
                        match name {
                            GeneralName::UniformResourceIdentifier(uri) => {
                                uris.push(String::from(uri.as_str()));
                            }
                            GeneralName::Rfc822Name(email) => {
                                emails.push(String::from(email.as_str()));
                            }
                            GeneralName::OtherName(other)
                                if other.type_id == OID_FULCIO_OTHERNAME_SAN =>
                            {
                                let user = Utf8StringRef::try_from(&other.value)
                                    .map_err(|_| invalid("malformed Fulcio username SAN"))?;
                                usernames.push(String::from(user.as_str()));
                            }
                            _ => {}
                        }
                    }
                }
                OID_KEY_USAGE => {
                    let ku =
                        KeyUsage::from_der(value).map_err(|_| invalid("malformed key usage"))?;
                    leaf.digital_signature = Some(ku.digital_signature());
                }
                OID_EXTENDED_KEY_USAGE => {
                    let eku = ExtendedKeyUsage::from_der(value)
                        .map_err(|_| invalid("malformed extended key usage"))?;
                    leaf.eku = eku.0;
                }
                OID_BASIC_CONSTRAINTS => {
                    let bc = BasicConstraints::from_der(value)
                        .map_err(|_| invalid("malformed basic constraints"))?;
                    leaf.is_ca = bc.ca;
                }
                oid => {
                    if let Some(arc) = fulcio_arc(&oid) {
                        let text = decode_fulcio_extension(arc, value)
                            .ok_or(invalid("malformed Fulcio extension value"))?;
                        if leaf.extensions.get(arc).is_some() {
                            return Err(invalid("duplicate Fulcio extension"));
                        }
                        leaf.extensions.values.push((arc, text));
                    }
                }
            }
        }
        leaf.identity = uris
            .first()
            .or(emails.first())
            .or(usernames.first())
            .cloned();
        leaf.first_uri = uris.into_iter().next();
        Ok(leaf)
    }

    /// The OIDC issuer: `.1.8` (DER UTF8String) preferred, legacy `.1.1` (raw) otherwise; if
    /// both are present they must agree, or the certificate is ambiguous and rejected.
    pub(crate) fn oidc_issuer(&self) -> Result<Option<&str>, Error> {
        match (self.extensions.issuer(), self.extensions.issuer_v1()) {
            (Some(v2), Some(v1)) if v2 != v1 => Err(Error::CertificateInvalid {
                reason: "issuer extensions .1.1 and .1.8 disagree",
            }),
            (Some(v2), _) => Ok(Some(v2)),
            (None, v1) => Ok(v1),
        }
    }

    /// The Fulcio leaf profile: an end entity, usable for digital signatures, with the
    /// code-signing extended key usage.
    pub(crate) fn check_code_signing_profile(&self) -> Result<(), Error> {
        let invalid = |reason| Error::CertificateInvalid { reason };
        if self.is_ca {
            return Err(invalid("signing certificate is a CA"));
        }
        if self.digital_signature == Some(false) {
            return Err(invalid("key usage lacks digitalSignature"));
        }
        if !self.eku.contains(&OID_CODE_SIGNING) {
            return Err(invalid("extended key usage lacks codeSigning"));
        }
        Ok(())
    }

    /// Whether `t` lies within the leaf's own validity, both ends included, at millisecond
    /// precision (webpki compares whole seconds; a timestamp 0.5 s after `notAfter` must fail).
    pub(crate) fn valid_at(&self, t: UnixTime) -> bool {
        self.not_before <= t && t <= self.not_after
    }

    /// Validates the path from this leaf to one of the trust root's certificate authorities
    /// at time `t`: the CA's `validFor` must contain `t`, every certificate in the path must
    /// be valid at `t` (the anchor too), and EKUs must allow code signing.
    pub(crate) fn verify_chain_at(
        &self,
        authorities: &[CertificateAuthority],
        t: UnixTime,
    ) -> Result<VerifiedChain, Error> {
        let mut last = Error::CertificateChainInvalid {
            at: t.as_secs(),
            reason: "no certificate authority in the trust root is valid at this time",
        };
        for ca in authorities.iter().filter(|ca| ca.valid_for.contains(t)) {
            match verify_path(&self.der, ca, t, &OID_CODE_SIGNING) {
                Ok(chain) => return Ok(chain),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Path validation of `leaf_der` to the anchor of `ca` at time `t`, requiring `eku` (or
/// anyExtendedKeyUsage) on every certificate that has an EKU extension.
pub(crate) fn verify_path(
    leaf_der: &[u8],
    ca: &CertificateAuthority,
    t: UnixTime,
    eku: &'static ObjectIdentifier,
) -> Result<VerifiedChain, Error> {
    let fail = |reason| Error::CertificateChainInvalid {
        at: t.as_secs(),
        reason,
    };
    let (anchor_der, intermediates) = ca
        .chain
        .split_last()
        .ok_or(fail("certificate authority has no certificates"))?;
    // webpki turns the anchor into a bare name + key and never checks its dates; Go checks
    // every certificate, so we do too.
    let anchor_cert =
        Certificate::from_der(anchor_der).map_err(|_| fail("trust anchor is not DER X.509"))?;
    let validity = &anchor_cert.tbs_certificate.validity;
    let anchor_valid = validity.not_before.to_unix_duration().as_secs() <= t.as_secs()
        && t.as_secs() <= validity.not_after.to_unix_duration().as_secs();
    if !anchor_valid {
        return Err(fail("trust anchor certificate not valid at this time"));
    }
    let anchor_der = CertificateDer::from(anchor_der.as_slice());
    let anchor =
        webpki::anchor_from_trusted_cert(&anchor_der).map_err(|_| fail("unusable trust anchor"))?;
    let intermediates: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    let leaf = CertificateDer::from(leaf_der);
    let ee = webpki::EndEntityCert::try_from(&leaf).map_err(|e| fail(webpki_reason(&e)))?;
    let time = rustls_pki_types::UnixTime::since_unix_epoch(Duration::from_secs(t.as_secs()));
    let anchors = [anchor];
    let remembering = crypto::remembering_chain_algorithms(&ca.remembered, &ca.key_tables);
    let remembering_refs = remembering
        .each_ref()
        .map(|alg| alg as &dyn SignatureVerificationAlgorithm);
    let algorithms: &[&dyn SignatureVerificationAlgorithm] =
        if ca.remembered.is_empty() && ca.key_tables.is_empty() {
            &crypto::CHAIN_SIGNATURE_ALGORITHMS
        } else {
            &remembering_refs
        };
    let path = ee
        .verify_for_usage(
            algorithms,
            &anchors,
            &intermediates,
            time,
            EkuIfPresent(eku.as_bytes()),
            None,
            None,
        )
        .map_err(|e| fail(webpki_reason(&e)))?;
    Ok(VerifiedChain {
        issuer_spki: path.issuer_spki().as_ref().to_vec(),
    })
}

/// Checks the signatures inside a certificate authority's own chain (each certificate by the
/// next one's key, leaf → root order) and returns those that verify, for [`verify_path`] to
/// skip later. A link that does not parse or verify is simply not remembered: path
/// validation then checks it, and fails, exactly as without this.
pub(crate) fn remember_chain_signatures(chain: &[Vec<u8>]) -> Vec<RememberedSignature> {
    chain_links(chain, RememberedSignature::check)
}

/// The same links remembered without checking them now, for a chain whose bytes are pinned
/// by hash and whose links were checked when the pin was recorded (the embedded trust root:
/// `trust_root::tests::embedded_chain_links_are_proven` checks them on every test run).
pub(crate) fn vouched_chain_signatures(chain: &[Vec<u8>]) -> Vec<RememberedSignature> {
    chain_links(chain, RememberedSignature::vouched)
}

/// A precomputed P-384 table for a certificate's key, if it is a P-384 key without a static
/// table (the embedded trust root's keys have those).
pub(crate) fn p384_key_table(der: &[u8]) -> Option<crypto::KeyTable> {
    let cert = Certificate::from_der(der).ok()?;
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().ok()?;
    PublicKey::from_spki_der(&spki).ok()?.p384_key_table()
}

/// How a chain link becomes a remembered signature ([`RememberedSignature::check`] or
/// [`RememberedSignature::vouched`]): signature and key AlgorithmIdentifier contents, key,
/// signed bytes, signature.
type RememberLink = fn(&[u8], &[u8], &[u8], &[u8], &[u8]) -> Option<RememberedSignature>;

/// Every link of `chain` (leaf → root order) handed to `remember` as the exact bytes webpki
/// hands to the signature algorithm: the AlgorithmIdentifier contents of the signature and
/// of the issuer's key, the issuer's subjectPublicKey, the TBS TLV and the BIT STRING
/// contents.
fn chain_links(chain: &[Vec<u8>], remember: RememberLink) -> Vec<RememberedSignature> {
    use der::asn1::{AnyRef, BitStringRef};
    use der::{Reader as _, SliceReader};

    let link = |child: &[u8], issuer: &[u8]| -> Option<RememberedSignature> {
        let mut reader = SliceReader::new(child).ok()?;
        let (tbs, signature_alg, signature) = reader
            .sequence(|r| {
                let tbs = r.tlv_bytes()?;
                let alg = AnyRef::decode(r)?;
                let sig = BitStringRef::decode(r)?;
                Ok((tbs, alg, sig))
            })
            .ok()?;
        let issuer = Certificate::from_der(issuer).ok()?;
        let spki = &issuer.tbs_certificate.subject_public_key_info;
        let key_alg = spki.algorithm.to_der().ok()?;
        let key_alg = AnyRef::from_der(&key_alg).ok()?;
        remember(
            signature_alg.value(),
            key_alg.value(),
            spki.subject_public_key.as_bytes()?,
            tbs,
            signature.as_bytes()?,
        )
    };
    chain
        .windows(2)
        .filter_map(|pair| match pair {
            [child, issuer] => link(child, issuer),
            _ => None,
        })
        .collect()
}

/// EKU rule for every certificate on the path (Go's semantics): no EKU extension means
/// unrestricted; otherwise it must list `0` or anyExtendedKeyUsage. The leaf's own EKU is
/// checked separately and more strictly.
struct EkuIfPresent(&'static [u8]);

impl ExtendedKeyUsageValidator for EkuIfPresent {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        let wanted = KeyPurposeId::new(self.0);
        let any = KeyPurposeId::new(OID_ANY_EXTENDED_KEY_USAGE.as_bytes());
        let mut empty = true;
        for id in iter {
            empty = false;
            let id = id?;
            if id == wanted || id == any {
                return Ok(());
            }
        }
        if empty {
            Ok(())
        } else {
            Err(webpki::Error::RequiredEkuNotFoundContext(
                webpki::RequiredEkuNotFoundContext {
                    required: webpki::KeyUsage::required(self.0),
                    present: Vec::new(),
                },
            ))
        }
    }
}

fn webpki_reason(e: &webpki::Error) -> &'static str {
    use webpki::Error as E;
    match e {
        E::CertExpired { .. } => "a certificate in the chain had expired",
        E::CertNotValidYet { .. } => "a certificate in the chain was not yet valid",
        E::UnknownIssuer => "issuer not found among the trusted certificate authorities",
        E::InvalidSignatureForPublicKey => "a chain signature does not verify",
        E::RequiredEkuNotFoundContext(_) => "extended key usage does not allow this use",
        E::UnsupportedCriticalExtension => "unsupported critical extension",
        E::CaUsedAsEndEntity => "a CA certificate was used as the signing certificate",
        E::EndEntityUsedAsCa => "an end-entity certificate was used as a CA",
        E::BadDer | E::BadDerTime | E::TrailingData(_) => "malformed certificate",
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "unsupported signature algorithm in the chain"
        }
        E::MaximumSignatureChecksExceeded | E::MaximumPathBuildCallsExceeded => {
            "path building exceeded its budget"
        }
        _ => "certificate path validation failed",
    }
}

/// The last arc N of `1.3.6.1.4.1.57264.1.N`, if `oid` is a Fulcio extension OID.
fn fulcio_arc(oid: &ObjectIdentifier) -> Option<u32> {
    let parent = oid.parent()?;
    if parent != FULCIO_ARC {
        return None;
    }
    oid.arcs().last()
}

fn decode_fulcio_extension(arc: u32, value: &[u8]) -> Option<String> {
    if arc <= 6 {
        core::str::from_utf8(value).ok().map(String::from)
    } else {
        Utf8StringRef::from_der(value)
            .ok()
            .map(|s| String::from(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fulcio_arcs() {
        let issuer = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
        assert_eq!(fulcio_arc(&issuer), Some(8));
        assert_eq!(fulcio_arc(&OID_CODE_SIGNING), None);
        assert_eq!(
            fulcio_arc(&ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.2")),
            None
        );
    }

    #[test]
    fn fulcio_values_decode_by_arc() {
        assert_eq!(
            decode_fulcio_extension(1, b"https://x").as_deref(),
            Some("https://x")
        );
        // .8+ must be a DER UTF8String with nothing after it.
        assert_eq!(
            decode_fulcio_extension(8, b"\x0c\x03abc").as_deref(),
            Some("abc")
        );
        assert_eq!(decode_fulcio_extension(8, b"\x0c\x03abcX"), None);
        assert_eq!(decode_fulcio_extension(8, b"abc"), None);
        assert_eq!(decode_fulcio_extension(2, b"\xff"), None);
    }

    #[test]
    fn named_accessors_read_their_arcs() {
        let ext = FulcioExtensions {
            values: (1..=22)
                .filter(|arc| *arc != 7)
                .map(|arc| (arc, alloc::format!("value {arc}")))
                .collect(),
        };
        let named = [
            (1, ext.issuer_v1()),
            (2, ext.github_workflow_trigger()),
            (3, ext.github_workflow_sha()),
            (4, ext.github_workflow_name()),
            (5, ext.github_workflow_repository()),
            (6, ext.github_workflow_ref()),
            (8, ext.issuer()),
            (9, ext.build_signer_uri()),
            (10, ext.build_signer_digest()),
            (11, ext.runner_environment()),
            (12, ext.source_repository_uri()),
            (13, ext.source_repository_digest()),
            (14, ext.source_repository_ref()),
            (15, ext.source_repository_identifier()),
            (16, ext.source_repository_owner_uri()),
            (17, ext.source_repository_owner_identifier()),
            (18, ext.build_config_uri()),
            (19, ext.build_config_digest()),
            (20, ext.build_trigger()),
            (21, ext.run_invocation_uri()),
            (22, ext.source_repository_visibility_at_signing()),
        ];
        for (arc, value) in named {
            assert_eq!(
                value,
                Some(alloc::format!("value {arc}").as_str()),
                "arc {arc}"
            );
        }
        assert_eq!(FulcioExtensions::default().issuer(), None);
    }

    #[test]
    fn garbage_is_not_a_certificate() {
        assert!(Leaf::parse(b"").is_err());
        assert!(Leaf::parse(&[0x30, 0x80]).is_err());
    }
}
