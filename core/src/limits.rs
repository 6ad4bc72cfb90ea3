//! Every bound on hostile input, in one place.
//!
//! Each limit is checked before the data it bounds is allocated or processed, and each
//! says why it has the value it has. Real Sigstore material is far below all of them.

/// Largest bundle accepted, in bytes. Real bundles are 4–20 KiB; SLSA provenance bundles with
/// many subjects reach a few hundred KiB. 4 MiB leaves ample room and bounds JSON parsing.
pub const MAX_BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// Largest `trusted_root.json` accepted, in bytes. The public-good root is 7 KiB, staging 13 KiB.
pub const MAX_TRUST_ROOT_BYTES: usize = 1024 * 1024;

/// Transparency-log entries per bundle (sigstore-go `MaxAllowedTlogEntries`).
pub const MAX_TLOG_ENTRIES: usize = 32;

/// RFC 3161 timestamps per bundle (sigstore-go `MaxAllowedTimestamps`).
pub const MAX_TIMESTAMPS: usize = 32;

/// Hashes in one Merkle inclusion proof. A proof has at most one hash per tree level, and a
/// tree of 2^64 leaves has 64 levels.
pub const MAX_PROOF_HASHES: usize = 64;

/// Signature lines in one checkpoint (signed note); the Go `sumdb/note` parser's limit.
pub const MAX_CHECKPOINT_SIGNATURES: usize = 100;

/// Bytes of one checkpoint text. A Rekor checkpoint is a few hundred bytes; witnesses add
/// one ~100-byte line each, so 100 signature lines fit comfortably.
pub const MAX_CHECKPOINT_BYTES: usize = 16 * 1024;

/// Signed certificate timestamps in one certificate's SCT list. Fulcio embeds one; browsers'
/// CT policies need at most a handful.
pub const MAX_SCTS: usize = 16;

/// Certificates in a chain from the trust root (Fulcio: intermediate + root) or in a bundle.
pub const MAX_CHAIN_CERTIFICATES: usize = 8;

/// Size of one DER certificate. Fulcio leaves from GitHub Actions carry ~20 extensions and
/// are about 2 KiB; webpki bounds TBS data at 64 KiB.
pub const MAX_CERTIFICATE_BYTES: usize = 64 * 1024;

/// Entries of each kind (logs, CT logs, CAs, TSAs) in one trust root. Public good has 2–3 each.
pub const MAX_TRUST_ROOT_ENTRIES: usize = 64;

/// Signatures in one DSSE envelope, and in a logged DSSE/in-toto entry body. Exactly one is
/// accepted (more would let an envelope carry a signature nobody checked); this bound only keeps
/// a hostile list from being parsed whole before that check rejects it.
pub const MAX_DSSE_SIGNATURES: usize = 8;

/// Subjects in one in-toto statement (sigstore-go limit). KubeEdge publishes 11 per release;
/// the subject scan for the artifact digest (sigstore-go's and slsa-verifier's) is bounded by
/// this.
pub const MAX_STATEMENT_SUBJECTS: usize = 1024;

/// Digests per in-toto subject (sigstore-go limit).
pub const MAX_SUBJECT_DIGESTS: usize = 32;

/// Nesting depth of any JSON document we parse. serde_json stops at 128 on its own; our
/// documents (bundle, trust root, statement) are no deeper than 10, except free-form SLSA
/// predicates, which stay far below 64 (real ones nest fewer than 15 levels). The bound keeps
/// parser recursion (stack use) small on embedded targets.
pub const MAX_JSON_DEPTH: usize = 64;

/// Largest in-toto statement (decoded DSSE payload) accepted, in bytes. Real provenance is
/// ~10 KiB; a release event carrying a maximal 125,000-character release body stays far below.
pub const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;

/// Most JSON values in one free-form document read as a tree (an SLSA statement, whose
/// predicate has no fixed schema; a log entry body; image evidence). Bounds the tree's memory
/// (tens of bytes per value) however compact the input text is; real statements hold a few
/// hundred values.
pub const MAX_JSON_VALUES: usize = 131_072;

/// Longest single JSON string or key in a free-form document's tree, in bytes. The longest real
/// field (a release body) is under 512 KiB of UTF-8.
pub const MAX_JSON_STRING_BYTES: usize = 1024 * 1024;

/// Longest certificate claim the SLSA policy reads (SAN URI or Fulcio extension value), in
/// bytes. Real values are under 300 bytes; GitHub caps workflow refs well below this.
pub const MAX_CLAIM_BYTES: usize = 4096;

/// Longest operator-supplied SLSA policy value (source URI, tag, branch, builder ID), in bytes.
pub const MAX_POLICY_VALUE_BYTES: usize = 1024;

/// Length of an identity or issuer pattern given by the operator (regex or exact).
pub const MAX_PATTERN_BYTES: usize = 1024;

/// Compiled size bound for an identity regex, so a hostile pattern cannot exhaust memory.
pub const MAX_REGEX_SIZE_BYTES: usize = 256 * 1024;

// ---- OCI image layouts and cosign evidence (`verify_image`) ----

/// Largest `index.json`, image index or manifest read from an OCI image layout, in bytes. The
/// OCI distribution spec asks registries to accept manifests of at least 4 MiB; real cosign
/// signature and attestation manifests are 1–20 KiB.
pub const MAX_MANIFEST_BYTES: usize = 4 * 1024 * 1024;

/// Descriptors in one `index.json` or image index. A `cosign save` layout lists two or three;
/// multi-platform images list one per platform plus their attestation manifests.
pub const MAX_INDEX_MANIFESTS: usize = 1024;

/// Layers of one manifest. Each `cosign sign` or `cosign attest` appends one layer to the
/// image's `.sig` / `.att` manifest; Docker caps image layers at 127.
pub const MAX_MANIFEST_LAYERS: usize = 256;

/// Annotations on one descriptor or manifest. cosign writes at most six per layer.
pub const MAX_ANNOTATIONS: usize = 64;

/// Blobs listed when an OCI image layout is searched for OCI 1.1 referrers (manifests whose
/// `subject` is the image). A `cosign save` layout of one image holds a few dozen.
pub const MAX_LAYOUT_BLOBS: usize = 16_384;

/// Largest blob read while searching for referrers: a referrer is a small manifest (a cosign
/// v3 bundle referrer is under 1 KiB), so larger blobs (image layers) are never read.
pub const MAX_REFERRER_MANIFEST_BYTES: usize = 64 * 1024;

/// Signatures and attestations of one image that are verified before giving up. Each costs a
/// few signature verifications.
pub const MAX_IMAGE_EVIDENCE: usize = 256;

/// Largest cosign signature layer (a simple-signing payload or a DSSE envelope) or cosign v3
/// bundle blob, in bytes: the bundle limit, since each becomes one bundle.
pub const MAX_EVIDENCE_LAYER_BYTES: usize = MAX_BUNDLE_BYTES;

/// Size of one TUF metadata file (root, timestamp, snapshot, targets). Sigstore's are 0.5–7 KiB;
/// python-tuf's default bound for root is 512,000 bytes.
pub const MAX_TUF_METADATA_BYTES: usize = 512 * 1024;

/// Size of a persisted TUF state: one root plus a few numbers.
pub const MAX_TUF_STATE_BYTES: usize = MAX_TUF_METADATA_BYTES + 4096;

/// Size of a TUF target fetched by an update (Sigstore's `trusted_root.json`): the trust-root
/// bound.
pub const MAX_TUF_TARGET_BYTES: usize = MAX_TRUST_ROOT_BYTES;

/// JSON values (of any kind, nested ones included) in one TUF metadata file, counted while it
/// is parsed. Sigstore's root has about 150; this bounds the parse tree's memory (a few MiB)
/// whatever the file holds.
pub const MAX_TUF_JSON_VALUES: usize = 32 * 1024;

/// Keys defined in one root or delegations object, and key IDs listed for one role. Sigstore's
/// roots define 5–7.
pub const MAX_TUF_KEYS: usize = 64;

/// Signatures on one metadata file. Sigstore's roots carry up to 10 (old and new keys during a
/// rotation); each is checked at most once, so this bounds the signature checks per file.
pub const MAX_TUF_SIGNATURES: usize = 64;

/// Members of one JSON object in TUF metadata, counted while it is parsed: this bounds the
/// files one targets or snapshot metadata lists (Sigstore lists 11 targets and 6 metadata
/// files), and so the work each such list costs an update.
pub const MAX_TUF_OBJECT_MEMBERS: usize = 1024;

/// Path patterns (or hash prefixes) of one delegated targets role.
pub const MAX_TUF_PATH_PATTERNS: usize = 1024;

/// Hashes listed for one file (sha256, sha512, …).
pub const MAX_TUF_HASHES: usize = 8;

/// Delegated roles in one targets metadata. Sigstore has one (npm).
pub const MAX_TUF_DELEGATIONS: usize = 64;

/// Root versions one update may walk. Sigstore published 15 in its first five years; a device
/// further behind applies more than one update. Each step checks at most
/// 2 × [`MAX_TUF_SIGNATURES`] signatures, so this bounds an update's work.
pub const MAX_TUF_ROOT_ROTATIONS: usize = 32;
