//! The TUF metadata models (root, timestamp, snapshot, targets with delegations), parsed
//! strictly from the one [`Value`] tree whose canonical form the signatures cover.
//!
//! Strict: required fields must be there with the right types, versions are ≥ 1, `_type` and
//! `spec_version` (major 1) are checked, key IDs in a role are unique, thresholds are ≥ 1, and
//! every list is bounded by [`crate::limits`]. Tolerant where TUF requires it: unknown fields
//! anywhere (Sigstore's `x-tuf-on-ci-*`), and keys of types we cannot verify with.

use alloc::string::String;
use alloc::vec::Vec;

use super::canonical_json;
use super::error::{TufError, TufRole};
use super::keys::{KeyTable, RoleKeys, Signature, VerifyingKey};
use crate::crypto::{bytes_equal, HashAlgorithm};
use crate::encoding::hex_decode;
use crate::json::Value;
use crate::limits;
use crate::time::UnixTime;

/// A metadata file: the parsed document, the canonical bytes of its `signed` part (what the
/// signatures cover) and its signatures. `_type` and `spec_version` are checked; the role's own
/// fields are parsed from it by [`Envelope::root`] and its siblings.
#[derive(Clone, Debug)]
pub(crate) struct Envelope {
    pub(crate) document: Value,
    pub(crate) canonical: Vec<u8>,
    pub(crate) signatures: Vec<Signature>,
    role: TufRole,
}

static NULL: Value = Value::Null;

impl Envelope {
    /// `signed`, an object (checked when the envelope was made).
    fn signed(&self) -> &Value {
        self.document.get("signed").unwrap_or(&NULL)
    }

    fn fields(&self) -> Fields {
        Fields { role: self.role }
    }

    pub(crate) fn root(&self) -> Result<Root, TufError> {
        root(self.signed(), &self.fields())
    }

    pub(crate) fn timestamp(&self) -> Result<Timestamp, TufError> {
        timestamp(self.signed(), &self.fields())
    }

    pub(crate) fn snapshot(&self) -> Result<Snapshot, TufError> {
        snapshot(self.signed(), &self.fields())
    }

    pub(crate) fn targets(&self) -> Result<Targets, TufError> {
        targets(self.signed(), &self.fields())
    }
}

/// `version` and `expires`, common to every role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Common {
    pub(crate) version: u64,
    pub(crate) expires: UnixTime,
}

#[derive(Clone, Debug)]
pub(crate) struct Root {
    pub(crate) common: Common,
    pub(crate) consistent_snapshot: bool,
    pub(crate) keys: KeyTable,
    pub(crate) root: RoleKeys,
    pub(crate) timestamp: RoleKeys,
    pub(crate) snapshot: RoleKeys,
    pub(crate) targets: RoleKeys,
}

impl Root {
    /// The keys and threshold of a top-level role.
    pub(crate) fn role(&self, role: TufRole) -> &RoleKeys {
        match role {
            TufRole::Root => &self.root,
            TufRole::Timestamp => &self.timestamp,
            TufRole::Snapshot => &self.snapshot,
            TufRole::Targets => &self.targets,
        }
    }

    /// Whether `role` has other keys or another threshold in `other` (a key rotation).
    pub(crate) fn role_changed(&self, other: &Self, role: TufRole) -> bool {
        let (mine, theirs) = (self.role(role), other.role(role));
        mine.threshold != theirs.threshold
            || !self
                .keys
                .same_keys(&mine.keyids, &other.keys, &theirs.keyids)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Timestamp {
    pub(crate) common: Common,
    pub(crate) snapshot: MetaFile,
}

#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    pub(crate) common: Common,
    pub(crate) targets: MetaFile,
}

#[derive(Clone, Debug)]
pub(crate) struct Targets {
    pub(crate) common: Common,
    pub(crate) targets: Vec<(String, TargetFile)>,
}

/// What one metadata file says about another (`meta` entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MetaFile {
    pub(crate) version: u64,
    pub(crate) length: Option<u64>,
    pub(crate) hashes: Vec<(String, Vec<u8>)>,
}

/// What targets metadata says about a target file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetFile {
    pub(crate) length: u64,
    pub(crate) hashes: Vec<(String, Vec<u8>)>,
}

/// Checks every listed hash of `data`; returns the algorithm of the first that differs or is
/// not supported (as python-tuf does, an unknown algorithm is a failure, never skipped).
pub(crate) fn check_hashes(data: &[u8], hashes: &[(String, Vec<u8>)]) -> Result<(), String> {
    for (name, expected) in hashes {
        let algorithm = match name.as_str() {
            "sha256" => HashAlgorithm::Sha256,
            "sha384" => HashAlgorithm::Sha384,
            "sha512" => HashAlgorithm::Sha512,
            _ => return Err(name.clone()),
        };
        if !bytes_equal(algorithm.digest(data).as_bytes(), expected) {
            return Err(name.clone());
        }
    }
    Ok(())
}

/// Parses a metadata file of `role` into its [`Envelope`].
pub(crate) fn parse(bytes: &[u8], role: TufRole) -> Result<Envelope, TufError> {
    let document =
        canonical_json::parse(bytes, limits::MAX_TUF_METADATA_BYTES, "TUF metadata size").map_err(
            |e| match e {
                canonical_json::ParseError::Syntax { line, column } => {
                    TufError::MalformedJson { role, line, column }
                }
                canonical_json::ParseError::Limit { what, limit } => {
                    TufError::LimitExceeded { what, limit }
                }
            },
        )?;
    from_document(document, role)
}

/// [`parse`] from an already parsed document.
pub(crate) fn from_document(document: Value, role: TufRole) -> Result<Envelope, TufError> {
    let f = Fields { role };
    if !matches!(document, Value::Object(_)) {
        return Err(f.invalid("metadata is not a JSON object"));
    }
    let signed = f.field(&document, "signed", "no signed object")?;
    if !matches!(signed, Value::Object(_)) {
        return Err(f.invalid("signed is not an object"));
    }
    let listed = f.array(
        &document,
        "signatures",
        limits::MAX_TUF_SIGNATURES,
        "TUF signatures",
    )?;
    let mut signatures = Vec::with_capacity(listed.len());
    for s in listed {
        signatures.push(Signature {
            keyid: String::from(f.string(s, "keyid")?),
            // A signature that is not hex (or empty) never verifies; it is not malformed
            // metadata (python-tuf and go-tuf only fail it at verification).
            sig: hex_decode(f.string(s, "sig")?).unwrap_or_default(),
        });
    }
    if f.string(signed, "_type")? != role.name() {
        return Err(f.invalid("_type is not this role"));
    }
    check_spec_version(f.string(signed, "spec_version")?).ok_or(TufError::InvalidMetadata {
        role,
        reason: "spec_version is not a supported TUF 1.x version",
    })?;
    // `parse` reads integers only; a tree built otherwise with a float has no canonical form.
    let canonical = canonical_json::canonical(signed)
        .ok_or(f.invalid("signed holds a number that is not an integer"))?;
    Ok(Envelope {
        document,
        canonical,
        signatures,
        role,
    })
}

/// `MAJOR.MINOR[.PATCH]`, decimal, major 1 (python-tuf's rule).
fn check_spec_version(text: &str) -> Option<()> {
    let mut parts = 0;
    for (i, part) in text.split('.').enumerate() {
        let numeric = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !numeric || (i == 0 && part != "1") {
            return None;
        }
        parts = i + 1;
    }
    matches!(parts, 2 | 3).then_some(())
}

fn common(signed: &Value, f: &Fields) -> Result<Common, TufError> {
    let version = f.u64(signed, "version")?;
    if version == 0 {
        return Err(f.invalid("version must be at least 1"));
    }
    // RFC 3339. python-tuf accepts only `…Z`; Sigstore's root v1 has a numeric offset, which
    // this accepts so that the whole real root chain can be walked.
    let expires = UnixTime::parse_rfc3339(f.string(signed, "expires")?)
        .ok_or(f.invalid("expires is not an RFC 3339 time"))?;
    Ok(Common { version, expires })
}

fn root(signed: &Value, f: &Fields) -> Result<Root, TufError> {
    let common = common(signed, f)?;
    let consistent_snapshot = match signed.get("consistent_snapshot") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(f.invalid("consistent_snapshot is not a boolean")),
    };
    let keys = key_table(f.field(signed, "keys", "no keys")?, f)?;
    let roles = f.field(signed, "roles", "no roles")?;
    let Value::Object(members) = roles else {
        return Err(f.invalid("roles is not an object"));
    };
    if members.len() != 4 {
        // python-tuf's rule: exactly the four top-level roles.
        return Err(f.invalid("roles must be exactly root, timestamp, snapshot and targets"));
    }
    let role = |name| {
        role_keys(
            roles
                .get(name)
                .ok_or(f.invalid("roles must be exactly root, timestamp, snapshot and targets"))?,
            f,
        )
    };
    Ok(Root {
        common,
        consistent_snapshot,
        root: role("root")?,
        timestamp: role("timestamp")?,
        snapshot: role("snapshot")?,
        targets: role("targets")?,
        keys,
    })
}

fn timestamp(signed: &Value, f: &Fields) -> Result<Timestamp, TufError> {
    let common = common(signed, f)?;
    let meta = meta_files(signed, f)?;
    let snapshot = find(&meta, "snapshot.json")
        .ok_or(f.invalid("meta has no snapshot.json entry"))?
        .clone();
    Ok(Timestamp { common, snapshot })
}

fn snapshot(signed: &Value, f: &Fields) -> Result<Snapshot, TufError> {
    let common = common(signed, f)?;
    let meta = meta_files(signed, f)?;
    let targets = find(&meta, "targets.json")
        .ok_or(f.invalid("meta has no targets.json entry"))?
        .clone();
    Ok(Snapshot { common, targets })
}

fn targets(signed: &Value, f: &Fields) -> Result<Targets, TufError> {
    let common = common(signed, f)?;
    let entries = f.object(signed, "targets")?;
    let mut targets = Vec::with_capacity(entries.len());
    for (name, entry) in entries {
        let length = f.u64(entry, "length")?;
        let hashes = hashes(f.field(entry, "hashes", "target without hashes")?, f)?;
        // `custom` is free-form and tolerated, like any unknown field.
        targets.push((name.clone(), TargetFile { length, hashes }));
    }
    if let Some(delegations) = signed.get("delegations") {
        check_delegations(delegations, f)?;
    }
    Ok(Targets { common, targets })
}

fn find<'a, T>(list: &'a [(String, T)], name: &str) -> Option<&'a T> {
    list.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn meta_files(signed: &Value, f: &Fields) -> Result<Vec<(String, MetaFile)>, TufError> {
    let entries = f.object(signed, "meta")?;
    let mut out = Vec::with_capacity(entries.len());
    for (name, entry) in entries {
        let version = f.u64(entry, "version")?;
        if version == 0 {
            return Err(f.invalid("meta version must be at least 1"));
        }
        let length = match entry.get("length") {
            None => None,
            Some(_) => Some(f.u64(entry, "length")?),
        };
        let hashes = match entry.get("hashes") {
            None => Vec::new(),
            Some(h) => hashes(h, f)?,
        };
        out.push((
            name.clone(),
            MetaFile {
                version,
                length,
                hashes,
            },
        ));
    }
    Ok(out)
}

fn hashes(json: &Value, f: &Fields) -> Result<Vec<(String, Vec<u8>)>, TufError> {
    let Value::Object(members) = json else {
        return Err(f.invalid("hashes is not an object"));
    };
    if members.is_empty() {
        return Err(f.invalid("hashes is empty"));
    }
    if members.len() > limits::MAX_TUF_HASHES {
        return Err(TufError::LimitExceeded {
            what: "TUF hashes per file",
            limit: limits::MAX_TUF_HASHES,
        });
    }
    let mut out = Vec::with_capacity(members.len());
    for (name, value) in members {
        let hash = match value {
            Value::String(hex) => hex_decode(hex).filter(|h| !h.is_empty()),
            _ => None,
        };
        out.push((
            name.clone(),
            hash.ok_or(f.invalid("hash is not a hex string"))?,
        ));
    }
    Ok(out)
}

fn key_table(json: &Value, f: &Fields) -> Result<KeyTable, TufError> {
    let Value::Object(members) = json else {
        return Err(f.invalid("keys is not an object"));
    };
    if members.len() > limits::MAX_TUF_KEYS {
        return Err(TufError::LimitExceeded {
            what: "TUF keys",
            limit: limits::MAX_TUF_KEYS,
        });
    }
    let mut table = KeyTable::default();
    for (keyid, key) in members {
        let keytype = f.string(key, "keytype")?;
        let scheme = f.string(key, "scheme")?;
        let keyval = f.field(key, "keyval", "key without keyval")?;
        if !matches!(keyval, Value::Object(_)) {
            return Err(f.invalid("keyval is not an object"));
        }
        let verifying = match keyval.get("public") {
            Some(Value::String(public)) => VerifyingKey::from_tuf(keytype, scheme, public),
            _ => None,
        };
        table.keys.push((keyid.clone(), verifying));
    }
    Ok(table)
}

fn role_keys(json: &Value, f: &Fields) -> Result<RoleKeys, TufError> {
    let listed = f.array(json, "keyids", limits::MAX_TUF_KEYS, "TUF key IDs per role")?;
    let mut keyids: Vec<String> = Vec::with_capacity(listed.len());
    for id in listed {
        let Value::String(id) = id else {
            return Err(f.invalid("key ID is not a string"));
        };
        if keyids.contains(id) {
            return Err(f.invalid("a role lists a key ID twice"));
        }
        keyids.push(id.clone());
    }
    let threshold = f.u64(json, "threshold")?;
    if threshold == 0 {
        return Err(f.invalid("threshold must be at least 1"));
    }
    Ok(RoleKeys { keyids, threshold })
}

/// Delegations are validated (shape, bounds, TUF's rules) but not followed: Sigstore publishes
/// `trusted_root.json` in the top-level targets, and a target found only through a delegation
/// is reported not found (fail closed). See the module documentation of `tuf`.
fn check_delegations(json: &Value, f: &Fields) -> Result<(), TufError> {
    key_table(f.field(json, "keys", "delegations without keys")?, f)?;
    if json.get("roles").is_none() && json.get("succinct_roles").is_some() {
        // TAP 15 hash-bin delegations: tolerated, as an extension we do not follow.
        return Ok(());
    }
    let roles = f.array(
        json,
        "roles",
        limits::MAX_TUF_DELEGATIONS,
        "TUF delegated roles",
    )?;
    let mut names: Vec<&str> = Vec::with_capacity(roles.len());
    for role in roles {
        let name = f.string(role, "name")?;
        if names.contains(&name) {
            return Err(f.invalid("a delegated role name is repeated"));
        }
        names.push(name);
        role_keys(role, f)?;
        if !matches!(role.get("terminating"), Some(Value::Bool(_))) {
            return Err(f.invalid("delegated role without a boolean terminating"));
        }
        let key = match (role.get("paths"), role.get("path_hash_prefixes")) {
            (Some(_), None) => "paths",
            (None, Some(_)) => "path_hash_prefixes",
            _ => {
                return Err(
                    f.invalid("a delegated role needs exactly one of paths and path_hash_prefixes")
                )
            }
        };
        let patterns = f.array(
            role,
            key,
            limits::MAX_TUF_PATH_PATTERNS,
            "TUF delegated path patterns",
        )?;
        if !patterns.iter().all(|p| matches!(p, Value::String(_))) {
            return Err(f.invalid("a delegated path pattern is not a string"));
        }
    }
    Ok(())
}

/// Typed access to one role's JSON, with that role in every error.
struct Fields {
    role: TufRole,
}

impl Fields {
    fn invalid(&self, reason: &'static str) -> TufError {
        TufError::InvalidMetadata {
            role: self.role,
            reason,
        }
    }

    fn field<'a>(
        &self,
        json: &'a Value,
        key: &str,
        missing: &'static str,
    ) -> Result<&'a Value, TufError> {
        json.get(key).ok_or(self.invalid(missing))
    }

    fn string<'a>(&self, json: &'a Value, key: &'static str) -> Result<&'a str, TufError> {
        match json.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.invalid(type_reason(key))),
            None => Err(self.invalid(missing_reason(key))),
        }
    }

    fn u64(&self, json: &Value, key: &'static str) -> Result<u64, TufError> {
        match json.get(key) {
            Some(Value::Unsigned(n)) => Ok(*n),
            Some(_) => Err(self.invalid(type_reason(key))),
            None => Err(self.invalid(missing_reason(key))),
        }
    }

    fn array<'a>(
        &self,
        json: &'a Value,
        key: &'static str,
        limit: usize,
        what: &'static str,
    ) -> Result<&'a [Value], TufError> {
        match json.get(key) {
            Some(Value::Array(items)) if items.len() > limit => {
                Err(TufError::LimitExceeded { what, limit })
            }
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.invalid(type_reason(key))),
            None => Err(self.invalid(missing_reason(key))),
        }
    }

    /// An object member (its size is bounded by the parser: `MAX_TUF_OBJECT_MEMBERS`).
    fn object<'a>(
        &self,
        json: &'a Value,
        key: &'static str,
    ) -> Result<&'a [(String, Value)], TufError> {
        match json.get(key) {
            Some(Value::Object(members)) => Ok(members),
            Some(_) => Err(self.invalid(type_reason(key))),
            None => Err(self.invalid(missing_reason(key))),
        }
    }
}

/// Reasons are `&'static str`; one per field name keeps them specific without formatting.
fn missing_reason(key: &str) -> &'static str {
    match key {
        "keyid" => "signature without keyid",
        "sig" => "signature without sig",
        "_type" => "no _type",
        "spec_version" => "no spec_version",
        "version" => "no version",
        "expires" => "no expires",
        "keytype" => "key without keytype",
        "scheme" => "key without scheme",
        "keyids" => "role without keyids",
        "threshold" => "role without threshold",
        "length" => "file without length",
        "meta" => "no meta",
        "targets" => "no targets",
        "signatures" => "no signatures",
        "name" => "delegated role without name",
        "roles" => "delegations without roles",
        _ => "a required field is missing",
    }
}

fn type_reason(key: &str) -> &'static str {
    match key {
        "keyid" | "sig" => "signature field is not a string",
        "_type" | "spec_version" | "expires" => "header field is not a string",
        "version" => "version is not a non-negative integer",
        "keytype" | "scheme" => "key field is not a string",
        "keyids" => "keyids is not an array",
        "threshold" => "threshold is not a non-negative integer",
        "length" => "length is not a non-negative integer",
        "meta" | "targets" => "file list is not an object",
        "signatures" => "signatures is not an array",
        _ => "a field has the wrong type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_versions() {
        for good in ["1.0", "1.0.31", "1.2"] {
            assert_eq!(check_spec_version(good), Some(()), "{good}");
        }
        for bad in ["2.0", "1", "1.0.0.0", "1.x", "", "1..0", "01.0", "+1.0"] {
            assert_eq!(check_spec_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn hashes_must_all_match_and_be_known() {
        let data = b"abc";
        let sha256 = HashAlgorithm::Sha256.digest(data).as_bytes().to_vec();
        let ok = [(String::from("sha256"), sha256.clone())];
        assert_eq!(check_hashes(data, &ok), Ok(()));
        let unknown = [
            (String::from("sha256"), sha256.clone()),
            (String::from("md5"), alloc::vec![0; 16]),
        ];
        assert_eq!(check_hashes(data, &unknown), Err(String::from("md5")));
        let wrong = [(String::from("sha512"), sha256)];
        assert_eq!(check_hashes(data, &wrong), Err(String::from("sha512")));
    }
}
