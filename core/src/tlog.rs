//! Transparency-log evidence (Rekor v1 and v2): signed entry timestamps, RFC 6962 inclusion
//! proofs, checkpoints, and the binding of each entry body to this bundle, field by field.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::bundle::{Bundle, EntryKind, Envelope, InclusionProof, TlogEntry};
use crate::checkpoint::Checkpoint;
use crate::crypto::{self, Digest, HashAlgorithm, KeyType, PublicKey};
use crate::dsse;
use crate::encoding::{base64_decode, base64_encode, hex_decode, hex_encode, Base64Bytes};
use crate::error::{Document, Error};
use crate::json::{self, Bounded};
use crate::time::{TimeRange, UnixTime};
use crate::trust_root::{TransparencyLog, TrustRoot};

/// What an entry body must describe: this bundle's signature, signer and content.
pub(crate) struct Binding<'a> {
    pub(crate) signature: &'a [u8],
    pub(crate) signer: Signer<'a>,
    pub(crate) content: BoundContent<'a>,
}

/// The signer as the entry must record it.
#[derive(Clone, Copy)]
pub(crate) enum Signer<'a> {
    /// DER of the leaf certificate.
    Certificate(&'a [u8]),
    /// A self-managed key.
    Key(&'a PublicKey),
}

/// The signed content as the entry must record it.
#[derive(Clone, Copy)]
pub(crate) enum BoundContent<'a> {
    /// A message signature over an artifact with these known digests, and the bundle's own
    /// (unsigned) claim of the digest it signed, `messageDigest`.
    Message {
        /// The artifact's digests, computed or supplied by the caller.
        digests: &'a [Digest],
        /// `messageSignature.messageDigest`, when the bundle has one.
        hint: Option<&'a Digest>,
    },
    /// A DSSE envelope.
    Dsse(&'a Envelope),
}

/// An entry whose evidence verified.
#[derive(Clone, Debug)]
pub(crate) struct VerifiedEntry {
    pub(crate) log_id: Vec<u8>,
    pub(crate) log_index: u64,
    /// Set only when a signed entry timestamp vouched for it.
    pub(crate) integrated_time: Option<UnixTime>,
    /// The log key's validity window, when no SET checked it against the integrated time
    /// (Rekor v2 entries; Rekor v1 entries with a proof only). The caller checks it against
    /// the verified times, once they are known.
    pub(crate) key_window_unchecked: Option<TimeRange>,
}

/// Verifies every entry from a log the trust root knows. Entries from unknown logs are
/// skipped (they prove nothing and count for nothing); any evidence that is present for a
/// known log and fails is an error, never silently dropped.
pub(crate) fn verify_entries(
    bundle: &Bundle,
    root: &TrustRoot,
    binding: &Binding<'_>,
) -> Result<Vec<VerifiedEntry>, Error> {
    let entries = &bundle.tlog_entries;
    for (i, a) in entries.iter().enumerate() {
        // Duplicates would let one log entry count twice towards a threshold.
        if entries
            .iter()
            .skip(i + 1)
            .any(|b| a.log_index == b.log_index && crypto::bytes_equal(&a.log_id, &b.log_id))
        {
            return Err(Error::BundleInvalid {
                reason: "duplicate transparency log entries",
            });
        }
    }
    let mut verified = Vec::new();
    for entry in entries {
        let Some(log) = root.tlog_by_id(&entry.log_id) else {
            continue;
        };
        verified.push(verify_entry(entry, log, binding)?);
    }
    Ok(verified)
}

fn verify_entry(
    entry: &TlogEntry,
    log: &TransparencyLog,
    binding: &Binding<'_>,
) -> Result<VerifiedEntry, Error> {
    // The trust root lists the log but this verifier cannot use its key: the evidence may be
    // fine, but nothing here can judge it.
    let key = log.key.as_ref().ok_or(Error::TrustRootInvalid {
        reason: "the transparency log's key type is not supported",
    })?;
    bind_body(entry, binding)?;

    let mut integrated_time = None;
    if let Some(set) = &entry.signed_entry_timestamp {
        if entry.kind.is_rekor_v2() {
            return Err(Error::BundleInvalid {
                reason: "Rekor v2 entries carry no signed entry timestamp",
            });
        }
        verify_set(entry, log, key, set)?;
        integrated_time = Some(UnixTime::from_secs(entry.integrated_time));
    }
    if let Some(proof) = &entry.inclusion_proof {
        if entry.kind.is_rekor_v2() {
            verify_v2_inclusion(entry, proof, log, key)?;
        } else {
            verify_v1_inclusion(entry, proof, log, key)?;
        }
    }
    Ok(VerifiedEntry {
        log_id: entry.log_id.clone(),
        log_index: entry.log_index,
        integrated_time,
        key_window_unchecked: integrated_time.is_none().then_some(log.valid_for),
    })
}

// ---- Signed entry timestamp (Rekor v1 inclusion promise) ----

/// The SET covers RFC 8785 canonical JSON of four members. All values are base64, hex or
/// integers, so no escaping is ever needed and a fixed template yields the exact bytes.
fn set_payload(entry: &TlogEntry) -> String {
    format!(
        r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
        base64_encode(&entry.canonicalized_body),
        entry.integrated_time,
        hex_encode(&entry.log_id),
        entry.log_index
    )
}

fn verify_set(
    entry: &TlogEntry,
    log: &TransparencyLog,
    key: &PublicKey,
    set: &[u8],
) -> Result<(), Error> {
    let invalid = |reason| Error::SetInvalid { reason };
    if !log
        .valid_for
        .contains(UnixTime::from_secs(entry.integrated_time))
    {
        return Err(invalid(
            "integrated time outside the log key's validity window",
        ));
    }
    if !matches!(key.key_type(), KeyType::EcdsaP256 | KeyType::EcdsaP384) {
        return Err(invalid("log key is not an ECDSA key"));
    }
    key.verify(HashAlgorithm::Sha256, set_payload(entry).as_bytes(), set)
        .map_err(|_| invalid("signature does not verify with the log key"))
}

// ---- Inclusion proofs ----

fn verify_v1_inclusion(
    entry: &TlogEntry,
    proof: &InclusionProof,
    log: &TransparencyLog,
    key: &PublicKey,
) -> Result<(), Error> {
    let leaf = leaf_hash(&entry.canonicalized_body);
    // Rekor v1 proofs use the shard-local index, not the global `logIndex`.
    verify_merkle(
        proof.log_index,
        proof.tree_size,
        &leaf,
        &proof.hashes,
        &proof.root_hash,
    )?;
    let checkpoint = Checkpoint::parse(&proof.checkpoint)?;
    // A Rekor v1 signed tree head's origin is "<name> - <tree ID>" (sigstore-go
    // `hasRekorV1STH`: `.* - [0-9]+$`). The name is the server's own (public-good: its host;
    // a private instance: often its pod) and is not bound to the trust root's baseUrl, nor is
    // the signer name; the signature with this log's key binds the note to the log.
    let ends_in_tree_id = checkpoint
        .origin
        .rsplit_once(" - ")
        .is_some_and(|(_, id)| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
    if !ends_in_tree_id {
        return Err(Error::CheckpointInvalid {
            reason: "origin does not end in \" - <tree ID>\" (Rekor v1 signed tree head)",
        });
    }
    checkpoint.verify_signature(None, key_hint(log), key)?;
    if checkpoint.tree_size != proof.tree_size {
        return Err(Error::CheckpointInvalid {
            reason: "tree size differs from the inclusion proof",
        });
    }
    if checkpoint.root_hash != proof.root_hash {
        return Err(Error::CheckpointInvalid {
            reason: "root hash differs from the inclusion proof",
        });
    }
    Ok(())
}

fn verify_v2_inclusion(
    entry: &TlogEntry,
    proof: &InclusionProof,
    log: &TransparencyLog,
    key: &PublicKey,
) -> Result<(), Error> {
    let checkpoint = Checkpoint::parse(&proof.checkpoint)?;
    if checkpoint.origin != log.hostname {
        return Err(Error::CheckpointInvalid {
            reason: "origin is not the log's host name",
        });
    }
    checkpoint.verify_signature(Some(&log.hostname), key_hint(log), key)?;
    // Rekor v2: size and root come from the signed checkpoint, the index is the entry's.
    // The proof's own copies are redundant and must agree.
    if proof.tree_size != checkpoint.tree_size || proof.root_hash != checkpoint.root_hash {
        return Err(Error::CheckpointInvalid {
            reason: "inclusion proof disagrees with the signed checkpoint",
        });
    }
    if proof.log_index != entry.log_index {
        return Err(Error::InclusionProofInvalid {
            reason: "proof index differs from the entry index",
        });
    }
    let leaf = leaf_hash(&entry.canonicalized_body);
    verify_merkle(
        entry.log_index,
        checkpoint.tree_size,
        &leaf,
        &proof.hashes,
        &checkpoint.root_hash,
    )
}

/// The first four bytes of the log ID: the signed-note key hint for Rekor v1 (SHA-256 of the
/// SPKI) and v2 (the C2SP key ID) alike.
fn key_hint(log: &TransparencyLog) -> [u8; 4] {
    let mut hint = [0u8; 4];
    for (dst, src) in hint.iter_mut().zip(&log.log_id) {
        *dst = *src;
    }
    hint
}

/// RFC 6962 leaf hash: SHA-256(0x00 || leaf).
pub(crate) fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    crypto::sha256_parts(&[&[0x00], leaf])
}

fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    crypto::sha256_parts(&[&[0x01], left, right])
}

/// RFC 9162 §2.1.3.2 inclusion proof verification. The proof must have exactly the length
/// the index and size imply.
pub(crate) fn verify_merkle(
    index: u64,
    size: u64,
    leaf: &[u8; 32],
    proof: &[[u8; 32]],
    root: &[u8; 32],
) -> Result<(), Error> {
    let invalid = |reason| Error::InclusionProofInvalid { reason };
    if index >= size {
        return Err(invalid("leaf index is not below the tree size"));
    }
    let last = size - 1;
    let inner = usize::try_from(u64::BITS - (index ^ last).leading_zeros())
        .map_err(|_| invalid("tree too large"))?;
    let border = usize::try_from((index >> inner.min(63)).count_ones())
        .map_err(|_| invalid("tree too large"))?;
    let border = if inner >= 64 { 0 } else { border };
    if proof.len() != inner + border {
        return Err(invalid("proof has the wrong number of hashes"));
    }
    let mut hash = *leaf;
    for (i, sibling) in proof.iter().enumerate() {
        hash = if i < inner && (index >> i) & 1 == 0 {
            node_hash(&hash, sibling)
        } else {
            node_hash(sibling, &hash)
        };
    }
    if &hash == root {
        Ok(())
    } else {
        Err(invalid("computed root does not match"))
    }
}

// ---- Entry bodies ----

fn bind_body(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let header: BodyHeader = parse_body(&entry.canonicalized_body)?;
    if header.kind != entry.kind.kind() || header.api_version != entry.kind.api_version() {
        return Err(Error::EntryBodyMismatch {
            field: "kind/version",
        });
    }
    match entry.kind {
        EntryKind::HashedRekordV001 => bind_hashedrekord_v001(entry, binding),
        EntryKind::DsseV001 => bind_dsse_v001(entry, binding),
        EntryKind::IntotoV002 => bind_intoto_v002(entry, binding),
        EntryKind::HashedRekordV002 => bind_hashedrekord_v002(entry, binding),
        EntryKind::DsseV002 => bind_dsse_v002(entry, binding),
        // Legacy cosign evidence only (see `cosign::entry`).
        EntryKind::IntotoV001 => crate::cosign::entry::bind_intoto_v001(entry, binding),
        EntryKind::RekordV001 => crate::cosign::entry::bind_rekord_v001(entry, binding),
    }?;
    crate::cosign::entry::bind_stored_envelope(entry, binding)
}

/// The digest algorithm a `hashedrekord` entry records for the artifact (Rekor v1 `sha256`…,
/// v2 `SHA2_256`…), so that a caller streaming a large artifact knows which digests to
/// compute before verifying. `None` for other kinds and for bodies that do not parse (those
/// fail later, when the entry is verified).
pub(crate) fn logged_digest_algorithm(entry: &TlogEntry) -> Option<HashAlgorithm> {
    match entry.kind {
        EntryKind::HashedRekordV001 => {
            let body: HashedRekordV001 = parse_body(&entry.canonicalized_body).ok()?;
            let name = body.spec.data.hash.algorithm;
            HashAlgorithm::from_name(&name).filter(|a| a.rekor_name() == name)
        }
        EntryKind::HashedRekordV002 => {
            let body: HashedRekordV002Body = parse_body(&entry.canonicalized_body).ok()?;
            let name = body.spec.hashed_rekord_v002.data.algorithm;
            HashAlgorithm::from_name(&name).filter(|a| a.proto_name() == name)
        }
        // A legacy `rekord` entry signs bytes the caller holds (a simple-signing payload).
        EntryKind::DsseV001
        | EntryKind::IntotoV002
        | EntryKind::DsseV002
        | EntryKind::IntotoV001
        | EntryKind::RekordV001 => None,
    }
}

fn parse_body<'de, T: Deserialize<'de>>(body: &'de [u8]) -> Result<T, Error> {
    json::parse(body, Document::EntryBody, crate::limits::MAX_BUNDLE_BYTES)
}

/// The signatures a DSSE/in-toto entry body lists, within [`crate::limits::MAX_DSSE_SIGNATURES`].
fn body_signatures<T, const N: usize>(signatures: Bounded<T, N>) -> Result<Vec<T>, Error> {
    signatures.into_vec(Document::EntryBody, "signatures in a log entry body")
}

pub(crate) fn mismatch(field: &'static str) -> Error {
    Error::EntryBodyMismatch { field }
}

/// Compares a key or certificate recorded as base64(PEM) with the bundle's signer, as DER.
pub(crate) fn signer_matches_pem(b64_pem: &str, signer: Signer<'_>) -> bool {
    let Some(pem) = base64_decode(b64_pem).and_then(|b| String::from_utf8(b).ok()) else {
        return false;
    };
    match (crate::pem::decode_first(&pem), signer) {
        (Some(("CERTIFICATE", der)), Signer::Certificate(leaf)) => crypto::bytes_equal(&der, leaf),
        (Some(("PUBLIC KEY", der)), Signer::Key(key)) => crypto::bytes_equal(&der, key.der()),
        _ => false,
    }
}

/// Compares a Rekor v2 `verifier` with the bundle's signer, as DER.
///
/// A certificate bundle must be logged with its certificate, never with the certificate's
/// bare key, even the same key (sigstore-go `reconstructV2EntryHash` rebuilds the entry with
/// the certificate, so such an entry never matches its proof). The log is where an identity's
/// owner looks for signatures made in its name: an entry that records only a key hides the
/// identity from them.
fn bind_verifier_v2(verifier: &VerifierV2, signer: Signer<'_>) -> Result<(), Error> {
    let matches =
        match (signer, &verifier.x509_certificate, &verifier.public_key) {
            (Signer::Certificate(leaf), Some(cert), None) => {
                crypto::bytes_equal(&cert.raw_bytes.0, leaf)
            }
            (Signer::Certificate(_), None, Some(_)) => return Err(mismatch(
                "verifier (a public key: a certificate bundle must be logged with its certificate)",
            )),
            (Signer::Key(key), None, Some(pk)) => crypto::bytes_equal(&pk.raw_bytes.0, key.der()),
            _ => false,
        };
    if matches {
        Ok(())
    } else {
        Err(mismatch("verifier"))
    }
}

fn bind_hashedrekord_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: HashedRekordV001 = parse_body(&entry.canonicalized_body)?;
    let BoundContent::Message { digests, hint } = binding.content else {
        return Err(mismatch("entry kind (hashedrekord for a DSSE bundle)"));
    };
    let spec = body.spec;
    let sig = base64_decode(&spec.signature.content).ok_or(mismatch("signature"))?;
    if !crypto::bytes_equal(&sig, binding.signature) {
        return Err(mismatch("signature"));
    }
    if !signer_matches_pem(&spec.signature.public_key.content, binding.signer) {
        return Err(mismatch("public key"));
    }
    let alg = HashAlgorithm::from_name(&spec.data.hash.algorithm)
        .filter(|a| a.rekor_name() == spec.data.hash.algorithm)
        .ok_or(mismatch("digest algorithm"))?;
    let value = hex_decode(&spec.data.hash.value).ok_or(mismatch("digest"))?;
    bind_message_digest(hint, alg, &value)?;
    bind_artifact_digest(digests, alg, &value)
}

/// sigstore-go's rule: the bundle's `messageDigest`, an unsigned hint, must be exactly the
/// digest the log recorded, algorithm and value. So the hint cannot tell the two artifact
/// modes (bytes, digest) apart: it is judged here, against signed evidence, for both.
fn bind_message_digest(
    hint: Option<&Digest>,
    alg: HashAlgorithm,
    value: &[u8],
) -> Result<(), Error> {
    let Some(hint) = hint else {
        return Ok(());
    };
    if hint.algorithm() != alg {
        return Err(mismatch("digest algorithm (bundle messageDigest)"));
    }
    if !crypto::bytes_equal(hint.as_bytes(), value) {
        return Err(mismatch("digest (bundle messageDigest)"));
    }
    Ok(())
}

/// The logged digest must be the artifact's (sigstore-python's rule; with the hint bound to
/// the log it is also sigstore-go's). Needs the artifact's digest in the logged algorithm: the
/// caller supplies it, or the bytes so that any algorithm can be computed. When it is missing
/// the evidence cannot be matched to this artifact: the bundle decided that, not the caller.
pub(crate) fn bind_artifact_digest(
    digests: &[Digest],
    alg: HashAlgorithm,
    value: &[u8],
) -> Result<(), Error> {
    let known =
        digests
            .iter()
            .find(|d| d.algorithm() == alg)
            .ok_or(Error::ArtifactDigestMissing {
                algorithm: alg,
                needed_by: "transparency log entry",
            })?;
    if crypto::bytes_equal(known.as_bytes(), value) {
        Ok(())
    } else {
        Err(Error::ArtifactDigestMismatch {
            against: "transparency log entry",
        })
    }
}

pub(crate) fn bind_payload_hash(
    envelope: &Envelope,
    algorithm: &str,
    value: &[u8],
) -> Result<(), Error> {
    // Only SHA-256 payload hashes are produced by Rekor for dsse/intoto entries.
    if !matches!(algorithm, "sha256" | "SHA2_256") {
        return Err(mismatch("payload hash algorithm"));
    }
    if crypto::bytes_equal(&crypto::sha256(&envelope.payload), value) {
        Ok(())
    } else {
        Err(mismatch("payload hash"))
    }
}

pub(crate) fn dsse_content<'a>(binding: &Binding<'a>) -> Result<&'a Envelope, Error> {
    match binding.content {
        BoundContent::Dsse(env) => Ok(env),
        BoundContent::Message { .. } => {
            Err(mismatch("entry kind (DSSE entry for a message signature)"))
        }
    }
}

fn bind_dsse_v001(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: DsseV001 = parse_body(&entry.canonicalized_body)?;
    let envelope = dsse_content(binding)?;
    let spec = body.spec;
    let value = hex_decode(&spec.payload_hash.value).ok_or(mismatch("payload hash"))?;
    bind_payload_hash(envelope, &spec.payload_hash.algorithm, &value)?;
    let signatures = body_signatures(spec.signatures)?;
    let [sig] = signatures.as_slice() else {
        return Err(mismatch("number of signatures"));
    };
    let logged = base64_decode(&sig.signature).ok_or(mismatch("signature"))?;
    if !crypto::bytes_equal(&logged, binding.signature) {
        return Err(mismatch("signature"));
    }
    if !signer_matches_pem(&sig.verifier, binding.signer) {
        return Err(mismatch("public key"));
    }
    Ok(())
}

fn bind_intoto_v002(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: IntotoV002 = parse_body(&entry.canonicalized_body)?;
    let envelope = dsse_content(binding)?;
    let content = body.spec.content;
    let payload_hash = content.payload_hash.ok_or(mismatch("payload hash"))?;
    let value = hex_decode(&payload_hash.value).ok_or(mismatch("payload hash"))?;
    bind_payload_hash(envelope, &payload_hash.algorithm, &value)?;
    if content.envelope.payload_type != envelope.payload_type {
        return Err(mismatch("payload type"));
    }
    let signatures = body_signatures(content.envelope.signatures)?;
    let [sig] = signatures.as_slice() else {
        return Err(mismatch("number of signatures"));
    };
    // The envelope's base64 signature text was stored as a `bytes` field: base64 twice.
    let logged = base64_decode(&sig.sig)
        .and_then(|inner| String::from_utf8(inner).ok())
        .and_then(|inner| base64_decode(&inner))
        .ok_or(mismatch("signature"))?;
    if !crypto::bytes_equal(&logged, binding.signature) {
        return Err(mismatch("signature"));
    }
    if !signer_matches_pem(&sig.public_key, binding.signer) {
        return Err(mismatch("public key"));
    }
    Ok(())
}

fn bind_hashedrekord_v002(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: HashedRekordV002Body = parse_body(&entry.canonicalized_body)?;
    let spec = body.spec.hashed_rekord_v002;
    if !crypto::bytes_equal(&spec.signature.content.0, binding.signature) {
        return Err(mismatch("signature"));
    }
    bind_verifier_v2(&spec.signature.verifier, binding.signer)?;
    let alg = HashAlgorithm::from_name(&spec.data.algorithm)
        .filter(|a| a.proto_name() == spec.data.algorithm)
        .ok_or(mismatch("digest algorithm"))?;
    match binding.content {
        BoundContent::Message { digests, hint } => {
            bind_message_digest(hint, alg, &spec.data.digest.0)?;
            bind_artifact_digest(digests, alg, &spec.data.digest.0)
        }
        // DSSE logged in Rekor v2 as hashedrekord over the envelope's PAE.
        BoundContent::Dsse(env) => {
            let pae = dsse::pae(&env.payload_type, &env.payload);
            if crypto::bytes_equal(alg.digest(&pae).as_bytes(), &spec.data.digest.0) {
                Ok(())
            } else {
                Err(mismatch("digest of the DSSE envelope"))
            }
        }
    }
}

fn bind_dsse_v002(entry: &TlogEntry, binding: &Binding<'_>) -> Result<(), Error> {
    let body: DsseV002Body = parse_body(&entry.canonicalized_body)?;
    let envelope = dsse_content(binding)?;
    let spec = body.spec.dsse_v002;
    bind_payload_hash(
        envelope,
        &spec.payload_hash.algorithm,
        &spec.payload_hash.digest.0,
    )?;
    let signatures = body_signatures(spec.signatures)?;
    let [sig] = signatures.as_slice() else {
        return Err(mismatch("number of signatures"));
    };
    if !crypto::bytes_equal(&sig.content.0, binding.signature) {
        return Err(mismatch("signature"));
    }
    bind_verifier_v2(&sig.verifier, binding.signer)?;
    Ok(())
}

// ---- Body models (only the fields we bind; Rekor canonicalises bodies, so unknown fields
// are tolerated rather than second-guessed) ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodyHeader {
    api_version: String,
    kind: String,
}

#[derive(Deserialize)]
struct HashedRekordV001 {
    spec: HashedRekordV001Spec,
}

#[derive(Deserialize)]
struct HashedRekordV001Spec {
    data: HashedRekordV001Data,
    signature: HashedRekordV001Signature,
}

#[derive(Deserialize)]
struct HashedRekordV001Data {
    hash: HexHash,
}

#[derive(Deserialize)]
struct HexHash {
    algorithm: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashedRekordV001Signature {
    content: String,
    public_key: PemContent,
}

#[derive(Deserialize)]
struct PemContent {
    content: String,
}

#[derive(Deserialize)]
struct DsseV001 {
    spec: DsseV001Spec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DsseV001Spec {
    payload_hash: HexHash,
    signatures: Bounded<DsseV001Signature, { crate::limits::MAX_DSSE_SIGNATURES }>,
}

#[derive(Deserialize)]
struct DsseV001Signature {
    signature: String,
    verifier: String,
}

#[derive(Deserialize)]
struct IntotoV002 {
    spec: IntotoV002Spec,
}

#[derive(Deserialize)]
struct IntotoV002Spec {
    content: IntotoV002Content,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoV002Content {
    envelope: IntotoV002Envelope,
    payload_hash: Option<HexHash>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoV002Envelope {
    payload_type: String,
    signatures: Bounded<IntotoV002Signature, { crate::limits::MAX_DSSE_SIGNATURES }>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoV002Signature {
    public_key: String,
    sig: String,
}

#[derive(Deserialize)]
struct HashedRekordV002Body {
    spec: HashedRekordV002Spec,
}

#[derive(Deserialize)]
struct HashedRekordV002Spec {
    #[serde(rename = "hashedRekordV002")]
    hashed_rekord_v002: HashedRekordV002,
}

#[derive(Deserialize)]
struct HashedRekordV002 {
    data: B64Hash,
    signature: SignatureV2,
}

#[derive(Deserialize)]
struct B64Hash {
    algorithm: String,
    digest: Base64Bytes,
}

#[derive(Deserialize)]
struct SignatureV2 {
    content: Base64Bytes,
    verifier: VerifierV2,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifierV2 {
    #[serde(rename = "keyDetails")]
    _key_details: Option<String>,
    x509_certificate: Option<RawBytes>,
    public_key: Option<RawBytes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBytes {
    raw_bytes: Base64Bytes,
}

#[derive(Deserialize)]
struct DsseV002Body {
    spec: DsseV002Spec,
}

#[derive(Deserialize)]
struct DsseV002Spec {
    #[serde(rename = "dsseV002")]
    dsse_v002: DsseV002,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DsseV002 {
    payload_hash: B64Hash,
    signatures: Bounded<SignatureV2, { crate::limits::MAX_DSSE_SIGNATURES }>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree of `n` leaves "0", "1", …; returns leaf hashes and the root (RFC 6962 MTH).
    fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
        match leaves.len() {
            1 => leaves[0],
            n => {
                let k = n.next_power_of_two() / 2;
                let k = if k == n { n / 2 } else { k };
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn path(index: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let n = leaves.len();
        let k = n.next_power_of_two() / 2;
        let k = if k == n { n / 2 } else { k };
        if index < k {
            let mut p = path(index, &leaves[..k]);
            p.push(mth(&leaves[k..]));
            p
        } else {
            let mut p = path(index - k, &leaves[k..]);
            p.push(mth(&leaves[..k]));
            p
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "needs ring (C and assembly, which Miri cannot run)")]
    fn merkle_proofs_for_every_leaf_of_small_trees() {
        for size in 1..=17usize {
            let leaves: Vec<[u8; 32]> = (0..size)
                .map(|i| leaf_hash(format!("{i}").as_bytes()))
                .collect();
            let root = mth(&leaves);
            for index in 0..size {
                let proof = path(index, &leaves);
                let (i, s) = (index as u64, size as u64);
                assert!(
                    verify_merkle(i, s, &leaves[index], &proof, &root).is_ok(),
                    "{index}/{size}"
                );
                // Wrong leaf, wrong index, truncated, extended, or tampered proofs all fail.
                let other = leaf_hash(b"x");
                assert!(verify_merkle(i, s, &other, &proof, &root).is_err());
                if size > 1 {
                    assert!(verify_merkle((i + 1) % s, s, &leaves[index], &proof, &root).is_err());
                    let mut bad = proof.clone();
                    bad[0][0] ^= 1;
                    assert!(verify_merkle(i, s, &leaves[index], &bad, &root).is_err());
                    assert!(verify_merkle(i, s, &leaves[index], &proof[1..], &root).is_err());
                }
                let mut longer = proof.clone();
                longer.push([0; 32]);
                assert!(verify_merkle(i, s, &leaves[index], &longer, &root).is_err());
            }
            assert!(verify_merkle(size as u64, size as u64, &leaves[0], &[], &root).is_err());
        }
    }

    #[test]
    fn entry_body_signatures_are_bounded() {
        let body = |n: usize| {
            let sigs = alloc::vec![r#"{"signature":"AA==","verifier":"AA=="}"#; n].join(",");
            format!(
                r#"{{"apiVersion":"0.0.1","kind":"dsse","spec":{{"payloadHash":{{"algorithm":"sha256","value":"00"}},"signatures":[{sigs}]}}}}"#
            )
        };
        let signatures = |n: usize| {
            let body: DsseV001 = parse_body(body(n).as_bytes())?;
            body_signatures(body.spec.signatures)
        };
        assert_eq!(
            signatures(crate::limits::MAX_DSSE_SIGNATURES)
                .unwrap()
                .len(),
            crate::limits::MAX_DSSE_SIGNATURES
        );
        assert!(matches!(
            signatures(crate::limits::MAX_DSSE_SIGNATURES + 1),
            Err(Error::LimitExceeded { document: Document::EntryBody, limit, .. })
                if limit == crate::limits::MAX_DSSE_SIGNATURES
        ));
    }

    #[test]
    fn merkle_rejects_extreme_indices() {
        let leaf = [0u8; 32];
        assert!(verify_merkle(0, 0, &leaf, &[], &leaf).is_err());
        assert!(verify_merkle(u64::MAX - 1, u64::MAX, &leaf, &[], &leaf).is_err());
        assert!(verify_merkle(u64::MAX, u64::MAX, &leaf, &[], &leaf).is_err());
    }
}
