//! The pinned trust material: `trusted_root.json` (Sigstore `TrustedRoot`, media types v0.1 and
//! v0.2), parsed once into keys, certificate chains and validity windows.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::crypto::{self, KeyTable, PublicKey, RememberedSignature};
use crate::encoding::{Base64Bytes, Rfc3339};
use crate::error::{Document, Error, Stage};
use crate::json::{self, Bounded};
use crate::limits;
use crate::policy::Policy;
use crate::time::TimeRange;
use crate::x509;

mod cbor;

/// The Sigstore public-good production trust root embedded in the crate.
///
/// Source: `github.com/sigstore/root-signing` `targets/trusted_root.json` (TUF targets v14,
/// last changed 2025-09-22, adds the first Rekor v2 log). Replacing this file changes
/// [`EMBEDDED_PRODUCTION_SHA256`], which makes every change visible in review; loading checks
/// the two agree.
pub(crate) const EMBEDDED_PRODUCTION_JSON: &[u8] =
    include_bytes!("../trust/production.trusted_root.json");

/// SHA-256 (lowercase hex) of the embedded production `trusted_root.json`.
pub const EMBEDDED_PRODUCTION_SHA256: &str =
    "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66";

/// SHA-256 (lowercase hex) of the embedded production root in its compact CBOR form, as
/// `edgeverify trust-root compile` writes it: a device that loads that file and pins this
/// digest gets the same start-up as with the embedded root (its chain links are known good).
/// A test compiles the embedded root on every run and checks this value.
pub const EMBEDDED_PRODUCTION_CBOR_SHA256: &str =
    "8c6c06ff1a3987a51d78128895632db641c98c69f54d0cacbd197ff0ee2344a3";

const MEDIA_TYPES: &[&str] = &[
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    "application/vnd.dev.sigstore.trustedroot.v0.1+json",
    "application/vnd.dev.sigstore.trustedroot.v0.2+json",
];

/// Trusted keys and certificate authorities, with their validity windows.
#[derive(Clone, Debug)]
pub struct TrustRoot {
    pub(crate) tlogs: Vec<TransparencyLog>,
    pub(crate) ctlogs: Vec<TransparencyLog>,
    pub(crate) certificate_authorities: Vec<CertificateAuthority>,
    pub(crate) timestamp_authorities: Vec<CertificateAuthority>,
    source_sha256: [u8; 32],
}

/// A transparency log (Rekor) or certificate-transparency log, as the trust root lists it.
#[derive(Clone, Debug)]
pub(crate) struct TransparencyLog {
    /// Host and port of `baseUrl` (`localhost:8000`): Rekor v1 checkpoint origins and key
    /// names start with it.
    pub(crate) authority: String,
    /// Host of `baseUrl` without the port: a Rekor v2 checkpoint origin must equal it.
    pub(crate) hostname: String,
    /// The log ID exactly as written in the trust root (never recomputed: Rekor v2 IDs are
    /// not a hash of the key alone).
    pub(crate) log_id: Vec<u8>,
    /// `None` when the key type is one we cannot verify with; such a log never verifies.
    pub(crate) key: Option<PublicKey>,
    pub(crate) valid_for: TimeRange,
}

/// A certificate authority (Fulcio) or timestamping authority.
#[derive(Clone, Debug)]
pub(crate) struct CertificateAuthority {
    /// DER certificates, leaf → root as in the file; the last one is the trust anchor.
    pub(crate) chain: Vec<Vec<u8>>,
    pub(crate) valid_for: TimeRange,
    /// Signatures inside `chain` checked once by [`TrustRoot::remember_chain_signatures`];
    /// empty until then.
    pub(crate) remembered: Vec<RememberedSignature>,
    /// Precomputed P-384 tables for the key that signs at verification time (the first
    /// certificate's), built by [`TrustRoot::remember_chain_signatures`]; empty until then
    /// (the embedded root's keys have static tables).
    pub(crate) key_tables: Vec<KeyTable>,
}

impl TrustRoot {
    /// The embedded Sigstore public-good production trust root. Like every constructor here,
    /// its errors are [`Stage::TrustRoot`]'s: a trust root that cannot be used decides nothing.
    pub fn embedded_production() -> Result<Self, Error> {
        let root = Self::from_json(EMBEDDED_PRODUCTION_JSON)?;
        if crate::encoding::hex_encode(&root.source_sha256) != EMBEDDED_PRODUCTION_SHA256 {
            return Err(Error::TrustRootInvalid {
                reason: "embedded trust root does not match its recorded SHA-256",
            }
            .at(Stage::TrustRoot));
        }
        Ok(root)
    }

    /// Parses a `trusted_root.json`.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        Self::from_json_model(json).map_err(|e| e.at(Stage::TrustRoot))
    }

    fn from_json_model(json: &[u8]) -> Result<Self, Error> {
        let doc: TrustedRootJson =
            json::parse(json, Document::TrustRoot, limits::MAX_TRUST_ROOT_BYTES)?;
        if !MEDIA_TYPES.contains(&doc.media_type.as_str()) {
            return Err(Error::UnsupportedMediaType {
                document: Document::TrustRoot,
            });
        }
        let entries = |what| (Document::TrustRoot, what);
        let (d, w) = entries("transparency logs");
        let tlogs = doc.tlogs.into_vec(d, w)?;
        let (d, w) = entries("certificate transparency logs");
        let ctlogs = doc.ctlogs.into_vec(d, w)?;
        let (d, w) = entries("certificate authorities");
        let certificate_authorities = doc.certificate_authorities.into_vec(d, w)?;
        let (d, w) = entries("timestamp authorities");
        let timestamp_authorities = doc.timestamp_authorities.into_vec(d, w)?;
        Ok(Self {
            tlogs: tlogs
                .into_iter()
                .map(TransparencyLog::from_json)
                .collect::<Result<_, _>>()?,
            ctlogs: ctlogs
                .into_iter()
                .map(TransparencyLog::from_json)
                .collect::<Result<_, _>>()?,
            certificate_authorities: certificate_authorities
                .into_iter()
                .map(CertificateAuthority::from_json)
                .collect::<Result<_, _>>()?,
            timestamp_authorities: timestamp_authorities
                .into_iter()
                .map(CertificateAuthority::from_json)
                .collect::<Result<_, _>>()?,
            source_sha256: crypto::sha256(json),
        }
        .with_pinned_chain_signatures())
    }

    /// For the embedded root's exact bytes (the embedded root, the same file given as
    /// `--trusted-root`, or its compact CBOR form): its chain links are remembered without
    /// checking them at load, because they were checked when its pin was recorded and are
    /// checked again on every test run (`tests::embedded_chain_links_are_proven`): a SHA-256
    /// of the loaded file ([`TrustRoot::source_sha256`], for either form) fixes every byte of
    /// every link. Any other root is returned unchanged (its links are checked at
    /// verification, or once by [`TrustRoot::remember_chain_signatures`]).
    fn with_pinned_chain_signatures(mut self) -> Self {
        let digest = crate::encoding::hex_encode(&self.source_sha256);
        if digest == EMBEDDED_PRODUCTION_SHA256 || digest == EMBEDDED_PRODUCTION_CBOR_SHA256 {
            for ca in self
                .certificate_authorities
                .iter_mut()
                .chain(self.timestamp_authorities.iter_mut())
            {
                ca.remembered = x509::vouched_chain_signatures(&ca.chain);
            }
        }
        self
    }

    /// Parses the compact CBOR form written by [`TrustRoot::to_cbor`] (`edgeverify trust-root
    /// compile`). No JSON parsing is involved; the result verifies exactly as the JSON it was
    /// compiled from. [`TrustRoot::source_sha256`] is the digest of these CBOR bytes, not of
    /// that JSON: a pin covers the file that is loaded, whatever its form.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, Error> {
        cbor::decode(cbor).map_err(|e| e.at(Stage::TrustRoot))
    }

    /// Parses either form, told apart by content: the compact CBOR form starts with its magic
    /// string, anything else is parsed as `trusted_root.json`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if cbor::looks_like_cbor(bytes) {
            Self::from_cbor(bytes)
        } else {
            Self::from_json(bytes)
        }
    }

    /// [`TrustRoot::from_bytes`] for bytes whose SHA-256 the operator pinned: anything but
    /// exactly the pinned bytes (JSON or CBOR, as stored) is refused before it is parsed.
    pub fn from_bytes_pinned(bytes: &[u8], pinned_sha256: &[u8; 32]) -> Result<Self, Error> {
        if !crypto::bytes_equal(&crypto::sha256(bytes), pinned_sha256) {
            return Err(Error::TrustRootInvalid {
                reason: "trust root does not match its pinned SHA-256",
            }
            .at(Stage::TrustRoot));
        }
        Self::from_bytes(bytes)
    }

    /// The compact CBOR form: only what verification uses. The public-good root is about half
    /// the size of its JSON (see `BENCHMARKS.md`). It is a different file with its own SHA-256:
    /// a device that loads it pins that digest.
    pub fn to_cbor(&self) -> Vec<u8> {
        cbor::encode(self)
    }

    /// Checks, once, the signatures inside the trust root's own certificate chains (each
    /// intermediate by its root, for certificate and timestamping authorities) and remembers
    /// those that verify, so that verifications against this trust root do not check them
    /// again: one P-384 check per keyless verification (the embedded root, and the same file
    /// given as bytes, have them remembered at load already). Verdicts do not change: a remembered signature
    /// is recognised only by its exact algorithm, key, signed bytes and signature, everything
    /// else on the path (dates, constraints, key usages, the leaf's signature) is checked as
    /// before, and a link that did not verify here is checked, and fails, at verification.
    ///
    /// It also precomputes a P-384 table for each authority's signing key (the Fulcio
    /// intermediate, the TSA certificate) and a P-256 or P-384 table for each transparency and
    /// certificate-transparency log's key (Rekor entries and checkpoints, SCTs), so that checks
    /// by those keys skip most of their doublings (`crypto::nistp384`, `crypto::nistp256`;
    /// P-256 tables only with the `rustcrypto` provider: ring's own P-256 is faster). The
    /// embedded root's keys have static tables already.
    ///
    /// It costs one check per chain link up front, so it pays off for a trust root that
    /// verifies many bundles (a daemon, a C API handle), not for a single verification.
    /// Returns how many signatures are remembered.
    pub fn remember_chain_signatures(&mut self) -> usize {
        let mut count = 0;
        for ca in self
            .certificate_authorities
            .iter_mut()
            .chain(self.timestamp_authorities.iter_mut())
        {
            ca.remembered = x509::remember_chain_signatures(&ca.chain);
            count += ca.remembered.len();
            ca.key_tables = ca
                .chain
                .first()
                .and_then(|der| x509::p384_key_table(der))
                .into_iter()
                .collect();
        }
        for log in self.tlogs.iter_mut().chain(self.ctlogs.iter_mut()) {
            if let Some(key) = &mut log.key {
                key.precompute_table();
            }
        }
        count
    }

    /// SHA-256 of exactly the bytes this trust root was loaded from: the `trusted_root.json`
    /// or the compact CBOR file as given (for the embedded root, its pinned JSON). Callers key
    /// caches on it and compare it against a pinned value
    /// ([`TrustRoot::from_bytes_pinned`] does both at once).
    pub fn source_sha256(&self) -> &[u8; 32] {
        &self.source_sha256
    }

    /// Refuses a trust root that can never verify a bundle under `policy`, naming what it
    /// lacks, so that a misconfiguration is reported once, when it is loaded, rather than as a
    /// denial of every artifact. Every verification needs a transparency log whose key we can
    /// verify with (its entry, and, failing a timestamp authority, its signed time); a
    /// certificate (identity and SLSA policies) also needs a certificate authority and a
    /// certificate-transparency log with such a key (the SCT). A self-managed key
    /// ([`Policy::PublicKey`]) needs no certificate authority. What is checked is only what
    /// no evidence can make up for; whether a given bundle verifies is still for
    /// [`verify`](crate::verify()) to say.
    pub fn check_usable_for(&self, policy: &Policy) -> Result<(), Error> {
        let invalid = |reason| Err(Error::TrustRootInvalid { reason }.at(Stage::TrustRoot));
        if !self.tlogs.iter().any(|l| l.key.is_some()) {
            return invalid("no transparency log with a supported key: no bundle can ever verify");
        }
        if matches!(policy, Policy::PublicKey(_)) {
            return Ok(());
        }
        if self.certificate_authorities.is_empty() {
            return invalid(
                "no certificate authority: no certificate-signed bundle can ever verify",
            );
        }
        if !self.ctlogs.iter().any(|l| l.key.is_some()) {
            return invalid(
                "no certificate-transparency log with a supported key: no certificate-signed \
                 bundle can ever verify",
            );
        }
        Ok(())
    }

    pub(crate) fn tlog_by_id(&self, log_id: &[u8]) -> Option<&TransparencyLog> {
        self.tlogs
            .iter()
            .find(|l| crypto::bytes_equal(&l.log_id, log_id))
    }

    pub(crate) fn ctlog_by_id(&self, log_id: &[u8]) -> Option<&TransparencyLog> {
        self.ctlogs
            .iter()
            .find(|l| crypto::bytes_equal(&l.log_id, log_id))
    }
}

/// What kind of service a trust root trusts ([`TrustedService::kind`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceKind {
    /// A transparency log (Rekor).
    TransparencyLog,
    /// A certificate authority (Fulcio).
    CertificateAuthority,
    /// A certificate-transparency log (SCTs).
    CtLog,
    /// An RFC 3161 timestamping authority.
    TimestampAuthority,
}

/// One service a trust root trusts, as an operator inspects it (`edgeverify trust-root show`):
/// its kind, its identity and its validity window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedService<'a> {
    /// Log, CT log, certificate or timestamping authority.
    pub kind: ServiceKind,
    /// Host and port of a log's `baseUrl`; empty for an authority (the trust root keeps only
    /// its certificates).
    pub url_authority: &'a str,
    /// A log's ID as the trust root writes it; for an authority, the SHA-256 of its first
    /// (signing) certificate.
    pub id: Vec<u8>,
    /// Whether a log's key is of a type edgeverify verifies with (always true for an
    /// authority); a log without one never verifies anything.
    pub key_supported: bool,
    /// Certificates in an authority's chain (0 for a log).
    pub chain_len: usize,
    /// The validity window the trust root gives.
    pub valid_for: TimeRange,
}

impl TrustRoot {
    /// Every service this trust root trusts: transparency logs, certificate authorities, CT
    /// logs and timestamping authorities, in that order and in file order within each.
    pub fn services(&self) -> Vec<TrustedService<'_>> {
        let mut all = Vec::new();
        all.extend(log_services(ServiceKind::TransparencyLog, &self.tlogs));
        all.extend(authority_services(
            ServiceKind::CertificateAuthority,
            &self.certificate_authorities,
        ));
        all.extend(log_services(ServiceKind::CtLog, &self.ctlogs));
        all.extend(authority_services(
            ServiceKind::TimestampAuthority,
            &self.timestamp_authorities,
        ));
        all
    }
}

fn log_services(
    kind: ServiceKind,
    logs: &[TransparencyLog],
) -> impl Iterator<Item = TrustedService<'_>> {
    logs.iter().map(move |l| TrustedService {
        kind,
        url_authority: &l.authority,
        id: l.log_id.clone(),
        key_supported: l.key.is_some(),
        chain_len: 0,
        valid_for: l.valid_for,
    })
}

fn authority_services(
    kind: ServiceKind,
    authorities: &[CertificateAuthority],
) -> impl Iterator<Item = TrustedService<'_>> {
    authorities.iter().map(move |c| TrustedService {
        kind,
        url_authority: "",
        id: c
            .chain
            .first()
            .map(|der| crypto::sha256(der).to_vec())
            .unwrap_or_default(),
        key_supported: true,
        chain_len: c.chain.len(),
        valid_for: c.valid_for,
    })
}

impl TransparencyLog {
    fn from_json(json: TransparencyLogJson) -> Result<Self, Error> {
        let invalid = |reason| Error::TrustRootInvalid { reason };
        if json.hash_algorithm != "SHA2_256" {
            // RFC 6962 Merkle trees with anything but SHA-256 are not deployed; refusing
            // them avoids second-guessing a leaf/node hash we cannot check.
            return Err(invalid("log hash algorithm is not SHA2_256"));
        }
        let raw = json
            .public_key
            .raw_bytes
            .ok_or(invalid("log public key has no rawBytes"))?
            .0;
        let valid_for = json
            .public_key
            .valid_for
            .ok_or(invalid("log public key has no validFor"))?
            .into_range()
            .ok_or(invalid("log public key validFor has no start"))?;
        let key = match json.public_key.key_details.as_str() {
            "PKCS1_RSA_PKCS1V5" => Some(PublicKey::from_pkcs1_rsa(&raw).map_err(key_error)?),
            // Unknown or unsupported key types are kept but can never verify anything: the
            // rest of the root stays usable and entries from such logs do not count.
            _ => PublicKey::from_spki_der(&raw).ok(),
        };
        let authority = url_authority(&json.base_url).ok_or(invalid("log baseUrl is not a URL"))?;
        Self::new(
            String::from(authority),
            json.log_id.key_id.0,
            key,
            valid_for,
        )
    }

    /// A log from its `baseUrl` authority (`host[:port]`), as both trust-root forms give it.
    fn new(
        authority: String,
        log_id: Vec<u8>,
        key: Option<PublicKey>,
        valid_for: TimeRange,
    ) -> Result<Self, Error> {
        if log_id.is_empty() {
            return Err(Error::TrustRootInvalid {
                reason: "log has an empty logId",
            });
        }
        if authority.is_empty() {
            return Err(Error::TrustRootInvalid {
                reason: "log baseUrl is not a URL",
            });
        }
        let hostname = match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => authority.as_str(),
        };
        Ok(Self {
            hostname: String::from(hostname),
            authority,
            log_id,
            key,
            valid_for,
        })
    }
}

impl CertificateAuthority {
    fn from_json(json: CertificateAuthorityJson) -> Result<Self, Error> {
        let invalid = |reason| Error::TrustRootInvalid { reason };
        let certs = json
            .cert_chain
            .certificates
            .into_vec(Document::TrustRoot, "certificates in a chain")?;
        if certs.is_empty() {
            return Err(invalid("certificate authority has an empty chain"));
        }
        let valid_for = json
            .valid_for
            .ok_or(invalid("certificate authority has no validFor"))?
            .into_range()
            .ok_or(invalid("certificate authority validFor has no start"))?;
        Ok(Self::new(
            certs.into_iter().map(|c| c.raw_bytes.0).collect(),
            valid_for,
        ))
    }

    pub(crate) fn new(chain: Vec<Vec<u8>>, valid_for: TimeRange) -> Self {
        Self {
            chain,
            valid_for,
            remembered: Vec::new(),
            key_tables: Vec::new(),
        }
    }
}

/// A trust-root key that does not parse makes the trust root unusable.
pub(crate) fn key_error(e: Error) -> Error {
    match e {
        Error::PublicKeyInvalid { reason } => Error::TrustRootInvalid { reason },
        other => other,
    }
}

/// `scheme://authority/path` → `authority`.
fn url_authority(url: &str) -> Option<&str> {
    let (_scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then_some(authority)
}

// ---- JSON model (proto3 JSON of dev.sigstore.trustroot.v1.TrustedRoot) ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TrustedRootJson {
    media_type: String,
    #[serde(default)]
    tlogs: Bounded<TransparencyLogJson, { limits::MAX_TRUST_ROOT_ENTRIES }>,
    #[serde(default)]
    certificate_authorities: Bounded<CertificateAuthorityJson, { limits::MAX_TRUST_ROOT_ENTRIES }>,
    #[serde(default)]
    ctlogs: Bounded<TransparencyLogJson, { limits::MAX_TRUST_ROOT_ENTRIES }>,
    #[serde(default)]
    timestamp_authorities: Bounded<CertificateAuthorityJson, { limits::MAX_TRUST_ROOT_ENTRIES }>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TransparencyLogJson {
    base_url: String,
    hash_algorithm: String,
    public_key: PublicKeyJson,
    log_id: LogIdJson,
    // v0.2 fields (some v0.1 files carry them too); not needed for verification.
    #[serde(default, rename = "checkpointKeyId")]
    _checkpoint_key_id: Option<LogIdJson>,
    #[serde(default, rename = "operator")]
    _operator: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PublicKeyJson {
    raw_bytes: Option<Base64Bytes>,
    #[serde(default)]
    key_details: String,
    valid_for: Option<TimeRangeJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LogIdJson {
    key_id: Base64Bytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TimeRangeJson {
    start: Option<Rfc3339>,
    end: Option<Rfc3339>,
}

impl TimeRangeJson {
    /// A window needs a start: a missing start must not silently mean "since forever".
    fn into_range(self) -> Option<TimeRange> {
        Some(TimeRange {
            start: self.start?.0,
            end: self.end.map(|e| e.0),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CertificateAuthorityJson {
    #[serde(default, rename = "subject")]
    _subject: Option<serde_json::Value>,
    #[serde(default, rename = "uri")]
    _uri: Option<String>,
    cert_chain: CertChainJson,
    valid_for: Option<TimeRangeJson>,
    #[serde(default, rename = "operator")]
    _operator: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CertChainJson {
    certificates: Bounded<CertJson, { limits::MAX_CHAIN_CERTIFICATES }>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CertJson {
    raw_bytes: Base64Bytes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn embedded_root_loads_and_matches_its_pin() {
        let root = TrustRoot::embedded_production().unwrap();
        assert_eq!(root.tlogs.len(), 2);
        assert_eq!(root.ctlogs.len(), 2);
        assert_eq!(root.certificate_authorities.len(), 2);
        assert_eq!(root.timestamp_authorities.len(), 1);
        assert_eq!(root.tlogs[0].authority, "rekor.sigstore.dev");
        assert_eq!(root.tlogs[1].hostname, "log2025-1.rekor.sigstore.dev");
        assert!(root.tlogs.iter().all(|l| l.key.is_some()));
        // The Rekor v1 log ID is SHA-256 of its SPKI; the Rekor v2 one is not, which is why
        // IDs are taken as written.
        let v1 = &root.tlogs[0];
        assert_eq!(v1.log_id, crypto::sha256(v1.key.as_ref().unwrap().der()));
        let v2 = &root.tlogs[1];
        assert_ne!(v2.log_id, crypto::sha256(v2.key.as_ref().unwrap().der()));
    }

    /// The fact the embedded root relies on at load: checking its chain links for real
    /// remembers exactly the links `with_pinned_chain_signatures` vouches for (two: Fulcio's
    /// intermediate by its root, the TSA's certificate by its root).
    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn embedded_chain_links_are_proven() {
        let vouched = TrustRoot::embedded_production().unwrap();
        let mut checked = vouched.clone();
        for ca in checked
            .certificate_authorities
            .iter_mut()
            .chain(checked.timestamp_authorities.iter_mut())
        {
            ca.remembered.clear();
        }
        assert_eq!(checked.remember_chain_signatures(), 2);
        let links = |root: &TrustRoot| {
            root.certificate_authorities
                .iter()
                .chain(&root.timestamp_authorities)
                .map(|ca| ca.remembered.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(links(&vouched), links(&checked));
        // The same bytes given as a file are the embedded root; one byte more is not.
        let as_file = TrustRoot::from_json(EMBEDDED_PRODUCTION_JSON).unwrap();
        assert_eq!(links(&as_file), links(&checked));
        let mut other = EMBEDDED_PRODUCTION_JSON.to_vec();
        other.push(b'\n');
        let other = TrustRoot::from_json(&other).unwrap();
        assert!(links(&other).iter().all(|l| l.is_empty()));
        // Its compact CBOR form, compiled here, has the pinned digest and the same links; a
        // compiled root that differs in one byte of a certificate does not.
        let cbor = vouched.to_cbor();
        assert_eq!(
            crate::encoding::hex_encode(&crypto::sha256(&cbor)),
            EMBEDDED_PRODUCTION_CBOR_SHA256
        );
        let compiled = TrustRoot::from_cbor(&cbor).unwrap();
        assert_eq!(links(&compiled), links(&checked));
        let der = &checked.certificate_authorities[1].chain[0];
        let at = cbor
            .windows(der.len())
            .position(|w| w == der.as_slice())
            .unwrap();
        let mut doctored = cbor.clone();
        doctored[at + der.len() - 1] ^= 1;
        let doctored = TrustRoot::from_cbor(&doctored).unwrap();
        assert!(links(&doctored).iter().all(|l| l.is_empty()));
    }

    /// A root whose Fulcio intermediate carries a broken signature is not the pinned root, so
    /// nothing is vouched for, and a bundle whose leaf chains to it fails: the link is checked.
    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn tampered_root_link_still_fails() {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut doc: serde_json::Value = serde_json::from_slice(EMBEDDED_PRODUCTION_JSON).unwrap();
        let cert =
            &mut doc["certificateAuthorities"][1]["certChain"]["certificates"][0]["rawBytes"];
        let mut der = engine.decode(cert.as_str().unwrap()).unwrap();
        // The last byte of a certificate is the last byte of its signature's s.
        *der.last_mut().unwrap() ^= 1;
        *cert = serde_json::Value::String(engine.encode(&der));
        let tampered = TrustRoot::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
        let bundle = crate::Bundle::from_json(include_bytes!(
            "../tests/data/sigstore-conformance/happy-path-v0.3/bundle.sigstore.json"
        ))
        .unwrap();
        let artifact = include_bytes!("../tests/data/sigstore-conformance/a.txt");
        let policy = Policy::Identity(
            crate::CertificateIdentity::exact(
                "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
                "https://token.actions.githubusercontent.com",
            )
            .unwrap(),
        );
        let genuine = TrustRoot::embedded_production().unwrap();
        assert!(
            crate::verify(&genuine, &bundle, crate::Artifact::Bytes(artifact), &policy).is_ok()
        );
        let err = crate::verify(
            &tampered,
            &bundle,
            crate::Artifact::Bytes(artifact),
            &policy,
        )
        .unwrap_err();
        assert!(
            matches!(err.cause(), Error::CertificateChainInvalid { .. }),
            "{err:?}"
        );
        assert_eq!(err.stage(), Stage::Certificate);
    }

    #[test]
    fn authority_and_hostname() {
        assert_eq!(
            url_authority("https://rekor.sigstore.dev"),
            Some("rekor.sigstore.dev")
        );
        assert_eq!(
            url_authority("http://localhost:8000/api"),
            Some("localhost:8000")
        );
        assert_eq!(url_authority("rekor.sigstore.dev"), None);
        assert_eq!(url_authority("https:///x"), None);
    }

    #[test]
    fn rejects_bad_roots() {
        let cause = |json: &[u8]| {
            let e = TrustRoot::from_json(json).unwrap_err();
            assert_eq!(e.stage(), Stage::TrustRoot);
            e.cause().clone()
        };
        assert!(matches!(cause(b"{"), Error::MalformedJson { .. }));
        assert_eq!(
            cause(br#"{"mediaType":"application/json"}"#),
            Error::UnsupportedMediaType {
                document: Document::TrustRoot
            }
        );
        let unknown_field = br#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","extra":1}"#;
        assert!(matches!(cause(unknown_field), Error::MalformedJson { .. }));
        let deep = alloc::format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(matches!(
            cause(deep.as_bytes()),
            Error::LimitExceeded {
                document: Document::TrustRoot,
                ..
            }
        ));
    }
}
