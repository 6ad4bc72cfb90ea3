//! The Fulcio-like certificate authority (P-384 root and intermediate, short-lived leaves with
//! the Fulcio extensions) and the certificate-transparency log whose SCT every leaf embeds.

use der::Encode as _;

use crate::crypto::{KeyAlg, SigningKey};
use crate::identity::Identity;
use crate::seed::Seed;
use crate::x509::{self, CertParts};
use crate::Error;

/// A CT log (RFC 6962) that signs precertificates: ECDSA P-256, log ID = SHA-256(SPKI).
pub(crate) struct CtLog {
    pub(crate) key: SigningKey,
    pub(crate) log_id: [u8; 32],
    pub(crate) base_url: String,
}

impl CtLog {
    pub(crate) fn new(seed: &Seed, label: &str, base_url: &str) -> Result<Self, Error> {
        let key = seed.key(KeyAlg::EcdsaP256, label)?;
        let log_id = sha256_32(&key.spki_der()?);
        Ok(Self {
            key,
            log_id,
            base_url: base_url.to_string(),
        })
    }

    /// A serialized v1 SCT over a precertificate (RFC 6962 §3.2), no extensions.
    pub(crate) fn sct(
        &self,
        precert_tbs: &[u8],
        issuer_spki: &[u8],
        timestamp_ms: u64,
    ) -> Result<Vec<u8>, Error> {
        let tbs_len = u32::try_from(precert_tbs.len())
            .ok()
            .filter(|l| *l < 1 << 24)
            .ok_or(Error::msg("precertificate too long for an SCT"))?;
        let mut signed = vec![0u8, 0u8]; // sct_version v1, signature_type certificate_timestamp
        signed.extend_from_slice(&timestamp_ms.to_be_bytes());
        signed.extend_from_slice(&1u16.to_be_bytes()); // entry_type precert_entry
        signed.extend_from_slice(&sha256_32(issuer_spki));
        signed.extend_from_slice(tbs_len.to_be_bytes().get(1..).unwrap_or_default());
        signed.extend_from_slice(precert_tbs);
        signed.extend_from_slice(&0u16.to_be_bytes()); // no extensions
        let signature = self.key.sign(&signed)?;

        let mut sct = vec![0u8]; // version v1
        sct.extend_from_slice(&self.log_id);
        sct.extend_from_slice(&timestamp_ms.to_be_bytes());
        sct.extend_from_slice(&0u16.to_be_bytes());
        sct.push(4); // hash: sha256
        sct.push(3); // signature: ecdsa
        sct.extend_from_slice(&x509::u16_len(signature.len())?);
        sct.extend_from_slice(&signature);
        Ok(sct)
    }
}

pub(crate) fn sha256_32(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (d, s) in out
        .iter_mut()
        .zip(crate::crypto::HashAlg::Sha256.digest(data))
    {
        *d = s;
    }
    out
}

/// The certificate authority.
pub(crate) struct Fulcio {
    pub(crate) root_der: Vec<u8>,
    pub(crate) intermediate_der: Vec<u8>,
    intermediate_key: SigningKey,
    pub(crate) uri: String,
    /// The trust root's `validFor.start` (the root's notBefore).
    pub(crate) valid_from: u64,
    seed: Seed,
    issued: u64,
}

const YEAR: u64 = 365 * 24 * 3600;

impl Fulcio {
    pub(crate) fn new(seed: &Seed, base_time: u64, uri: &str) -> Result<Self, Error> {
        let root_key = seed.key(KeyAlg::EcdsaP384, "fulcio/root")?;
        let intermediate_key = seed.key(KeyAlg::EcdsaP384, "fulcio/intermediate")?;
        let root_name = x509::name("CN=edgeverify-testinstance Fulcio root,O=edgeverify.test")?;
        let intermediate_name =
            x509::name("CN=edgeverify-testinstance Fulcio intermediate,O=edgeverify.test")?;
        let valid_from = base_time.saturating_sub(YEAR);
        let root_der = x509::self_signed_ca(
            &root_key,
            &root_name,
            &seed.serial("fulcio/root/serial"),
            (valid_from, base_time + 10 * YEAR),
            1,
        )?;
        let intermediate_der = x509::issue(
            CertParts {
                serial: &seed.serial("fulcio/intermediate/serial"),
                issuer: root_name,
                subject: intermediate_name,
                not_before: valid_from,
                not_after: base_time + 9 * YEAR,
                subject_key: &intermediate_key,
                extensions: vec![
                    x509::key_usage_ca()?,
                    // Fulcio's intermediate carries the code-signing EKU.
                    x509::extended_key_usage(x509::OID_CODE_SIGNING, false)?,
                    x509::basic_constraints(true, Some(0))?,
                    x509::subject_key_identifier(&intermediate_key)?,
                    x509::authority_key_identifier(&root_key)?,
                ],
            },
            &root_key,
        )?;
        Ok(Self {
            root_der,
            intermediate_der,
            intermediate_key,
            uri: uri.to_string(),
            valid_from,
            seed: seed.clone(),
            issued: 0,
        })
    }

    /// Issues a leaf for `key` certifying `identity`, valid `[not_before, not_before +
    /// lifetime]`, with an SCT from each CT log at `sct_time_ms`.
    pub(crate) fn issue(
        &mut self,
        key: &SigningKey,
        identity: &Identity,
        not_before: u64,
        lifetime: u64,
        ct_logs: &[&CtLog],
        sct_time_ms: u64,
    ) -> Result<Vec<u8>, Error> {
        self.issued += 1;
        let serial = self.seed.serial(&format!("fulcio/leaf/{}", self.issued));
        let mut extensions = vec![
            x509::key_usage_signing()?,
            x509::extended_key_usage(x509::OID_CODE_SIGNING, false)?,
            x509::subject_key_identifier(key)?,
            x509::authority_key_identifier(&self.intermediate_key)?,
            x509::subject_alt_name(&identity.san)?,
        ];
        for (arc, value) in &identity.extensions {
            extensions.push(x509::fulcio_extension(*arc, value)?);
        }
        let issuer = x509::subject_of(&self.intermediate_der)?;
        let mut tbs = x509::tbs(
            CertParts {
                serial: &serial,
                issuer,
                subject: x509_cert::name::Name::default(),
                not_before,
                not_after: not_before + lifetime,
                subject_key: key,
                extensions,
            },
            &self.intermediate_key,
        )?;
        // The precertificate TBS is the final TBS without the SCT list (RFC 6962 §3.2: the
        // poison extension is removed; here it was never added).
        let precert = tbs.to_der()?;
        let issuer_spki = self.intermediate_key.spki_der()?;
        let mut scts = Vec::new();
        for log in ct_logs {
            scts.push(log.sct(&precert, &issuer_spki, sct_time_ms)?);
        }
        if let Some(exts) = tbs.extensions.as_mut() {
            exts.push(x509::sct_list(&scts)?);
        }
        x509::sign(tbs, &self.intermediate_key)
    }
}
