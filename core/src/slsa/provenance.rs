//! The statement model: in-toto-golang's SLSA v0.2 and v1 structs, decoded as slsa-verifier
//! decodes them, and the GitHub context they carry (`slsaprovenance/common/common.go`).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::builders::{BUILD_TYPES, GIT_HTTPS_GITHUB_COM, PREDICATE_V02, PREDICATE_V1};
use super::git::{parse_git_ref, parse_git_uri_and_ref};
use super::go_json::{
    go_array, go_bool, go_bytes, go_interface, go_map, go_string, go_string_map, go_time, map_get,
    struct_fields,
};
use super::SlsaError;
use crate::json::Value;
use crate::limits::{MAX_STATEMENT_SUBJECTS, MAX_SUBJECT_DIGESTS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PredicateVersion {
    V02,
    V1,
}

/// How slsa-verifier reads a given provenance (its Go type).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// v0.2, generic/Go/container generators: lower-case `github_*` environment.
    GithubV02,
    /// v0.2 BYOB: upper-case environment; tag/branch from `materials[0].uri`.
    ByobV02,
    /// v1 BYOB: tag/branch from `resolvedDependencies[0].uri`.
    ByobV1,
    /// v1 container-based builder: upper-case `internalParameters`.
    ContainerBasedV1,
}

pub(super) struct Subject<'a> {
    pub(super) name: &'a str,
    pub(super) digest: &'a [(String, Value)],
}

/// One in-toto statement carrying SLSA provenance, with the fields slsa-verifier reads.
pub(super) struct Provenance<'a> {
    pub(super) kind: Kind,
    pub(super) predicate_type: &'a str,
    pub(super) subjects: Vec<Subject<'a>>,
    pub(super) builder_id: &'a str,
    pub(super) build_type: &'a str,
    /// v0.2 `invocation.configSource.uri` (`""` for v1).
    pub(super) config_source_uri: &'a str,
    /// URI of v0.2 `materials[0]` / v1 `resolvedDependencies[0]`, if there is one.
    pub(super) first_source_uri: Option<&'a str>,
    /// v0.2 `invocation.environment` / v1 `buildDefinition.internalParameters`; `None` is Go's
    /// nil `interface{}` (absent or `null`).
    pub(super) environment: Option<&'a Value>,
}

/// The predicate fields that differ in place between v0.2 and v1.
pub(super) struct PredicateFields<'a> {
    pub(super) builder_id: &'a str,
    pub(super) build_type: &'a str,
    pub(super) config_source_uri: &'a str,
    pub(super) first_source_uri: Option<&'a str>,
    pub(super) environment: Option<&'a Value>,
}

impl<'a> Provenance<'a> {
    /// Strict decode (Go `DisallowUnknownFields`) and the (builder, buildType) table.
    pub(super) fn decode(root: &'a Value, cert_builder: &str) -> Result<Self, SlsaError> {
        let [_type, predicate_type, subject, predicate] = struct_fields(
            Some(root),
            ["_type", "predicateType", "subject", "predicate"],
        )?;
        go_string(_type)?;
        let predicate_type = go_string(predicate_type)?;
        let version = match predicate_type {
            PREDICATE_V02 => PredicateVersion::V02,
            PREDICATE_V1 => PredicateVersion::V1,
            _ => {
                return Err(SlsaError::InvalidDssePayload(
                    "predicateType is not SLSA provenance v0.2 or v1",
                ))
            }
        };
        let subjects = decode_subjects(subject)?;
        let fields = match version {
            PredicateVersion::V02 => decode_predicate_v02(predicate)?,
            PredicateVersion::V1 => decode_predicate_v1(predicate)?,
        };
        Ok(Self {
            kind: provenance_kind(cert_builder, version, fields.build_type)?,
            predicate_type,
            subjects,
            builder_id: fields.builder_id,
            build_type: fields.build_type,
            config_source_uri: fields.config_source_uri,
            first_source_uri: fields.first_source_uri,
            environment: fields.environment,
        })
    }

    /// `Provenance.TriggerURI`.
    pub(super) fn trigger_uri(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 | Kind::ByobV02 => {
                if self.config_source_uri.is_empty() {
                    return Err(SlsaError::MalformedUri("configSource.uri is empty"));
                }
                Ok(Cow::Borrowed(self.config_source_uri))
            }
            Kind::ByobV1 | Kind::ContainerBasedV1 => {
                // v1 `builderTriggerInfo`: `owner/repo/path@ref` from GITHUB_WORKFLOW_REF.
                let params = go_map(self.environment, "internalParameters is not an object")?;
                let workflow_ref = match map_get(params, "GITHUB_WORKFLOW_REF") {
                    None => {
                        return Err(SlsaError::NotPresent(
                            "internalParameters.GITHUB_WORKFLOW_REF is absent",
                        ))
                    }
                    Some(Value::String(s)) => s.as_str(),
                    Some(_) => {
                        return Err(SlsaError::InvalidDssePayload(
                            "GITHUB_WORKFLOW_REF is not a string",
                        ))
                    }
                };
                let mut parts = workflow_ref.split('@');
                let (Some(repo_and_path), Some(git_ref), None) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(SlsaError::InvalidFormat(
                        "GITHUB_WORKFLOW_REF does not have exactly one @",
                    ));
                };
                let mut segments = repo_and_path.splitn(3, '/');
                let (Some(owner), Some(repo)) = (segments.next(), segments.next()) else {
                    return Err(SlsaError::InvalidFormat(
                        "GITHUB_WORKFLOW_REF does not start with owner/repo",
                    ));
                };
                if git_ref.is_empty() {
                    return Err(SlsaError::MalformedUri("GITHUB_WORKFLOW_REF has no ref"));
                }
                let mut uri = String::from(GIT_HTTPS_GITHUB_COM);
                for part in [owner, "/", repo, "@", git_ref] {
                    uri.push_str(part);
                }
                Ok(Cow::Owned(uri))
            }
        }
    }

    /// `Provenance.SourceURI`: the first material / resolved dependency.
    pub(super) fn source_uri(&self) -> Result<&'a str, SlsaError> {
        match self.first_source_uri {
            None => Err(SlsaError::InvalidDssePayload(
                "provenance has no materials / resolvedDependencies",
            )),
            Some("") => Err(SlsaError::MalformedUri("provenance source URI is empty")),
            Some(uri) => Ok(uri),
        }
    }

    /// `Provenance.GetTag`: a `refs/tags/…` ref, or `""` for branch builds.
    pub(super) fn tag_ref(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 => github_tag(self.env()?, &LOWER_ENV),
            Kind::ContainerBasedV1 => github_tag(self.env()?, &UPPER_ENV),
            Kind::ByobV02 => match self.source_uri() {
                // v0.2 BYOB falls back to the environment; unreachable after the source check.
                Err(_) => github_tag(self.env()?, &UPPER_ENV),
                Ok(uri) => self.byob_ref(uri, false),
            },
            Kind::ByobV1 => self.byob_ref(self.source_uri()?, false),
        }
    }

    /// `Provenance.GetBranch`: a `refs/heads/…` ref, or `""` when none is derivable.
    pub(super) fn branch_ref(&self) -> Result<Cow<'a, str>, SlsaError> {
        match self.kind {
            Kind::GithubV02 => github_branch(self.env()?, &LOWER_ENV),
            Kind::ContainerBasedV1 => github_branch(self.env()?, &UPPER_ENV),
            Kind::ByobV02 => match self.source_uri() {
                Err(_) => github_branch(self.env()?, &UPPER_ENV),
                Ok(uri) => self.byob_ref(uri, true),
            },
            Kind::ByobV1 => self.byob_ref(self.source_uri()?, true),
        }
    }

    /// BYOB tag/branch: the ref of the source URI; a tag build's branch comes from the
    /// GitHub context, as for other builders.
    pub(super) fn byob_ref(
        &self,
        source_uri: &'a str,
        branch: bool,
    ) -> Result<Cow<'a, str>, SlsaError> {
        let (_, git_ref) = parse_git_uri_and_ref(source_uri)?;
        if git_ref.is_empty() {
            return Err(SlsaError::InvalidDssePayload("BYOB source URI has no ref"));
        }
        match (parse_git_ref(git_ref).0, branch) {
            ("heads", true) | ("tags", false) => Ok(Cow::Borrowed(git_ref)),
            ("heads", false) => Ok(Cow::Borrowed("")),
            ("tags", true) => github_branch(self.env()?, &UPPER_ENV),
            _ => Err(SlsaError::InvalidDssePayload(
                "BYOB source ref is neither a branch nor a tag",
            )),
        }
    }

    pub(super) fn env(&self) -> Result<&'a [(String, Value)], SlsaError> {
        go_map(self.environment, "GitHub context is not an object")
    }
}

pub(super) fn provenance_kind(
    cert_builder: &str,
    version: PredicateVersion,
    build_type: &str,
) -> Result<Kind, SlsaError> {
    let mut rows = BUILD_TYPES
        .iter()
        .filter(|(builder, v, _, _)| *builder == cert_builder && *v == version)
        .peekable();
    if rows.peek().is_none() {
        return Err(SlsaError::InvalidBuilderId(
            "certificate builder has no provenance format for this predicate type",
        ));
    }
    rows.find(|(_, _, bt, _)| *bt == build_type)
        .map(|(_, _, _, kind)| *kind)
        .ok_or(SlsaError::InvalidBuildType(
            "buildType is not produced by the certificate builder",
        ))
}

pub(super) fn decode_subjects(value: Option<&Value>) -> Result<Vec<Subject<'_>>, SlsaError> {
    let items = go_array(value)?;
    if items.len() > MAX_STATEMENT_SUBJECTS {
        return Err(SlsaError::InvalidDssePayload(
            "statement has more than MAX_STATEMENT_SUBJECTS subjects",
        ));
    }
    let mut subjects = Vec::with_capacity(items.len());
    for item in items {
        let [name, digest] = struct_fields(Some(item), ["name", "digest"])?;
        let digest = go_string_map(digest)?;
        if digest.len() > MAX_SUBJECT_DIGESTS {
            return Err(SlsaError::InvalidDssePayload(
                "subject has more than MAX_SUBJECT_DIGESTS digests",
            ));
        }
        subjects.push(Subject {
            name: go_string(name)?,
            digest,
        });
    }
    Ok(subjects)
}

/// in-toto-golang `slsa02.ProvenancePredicate`.
pub(super) fn decode_predicate_v02(
    value: Option<&Value>,
) -> Result<PredicateFields<'_>, SlsaError> {
    let [builder, build_type, invocation, build_config, metadata, materials] = struct_fields(
        value,
        [
            "builder",
            "buildType",
            "invocation",
            "buildConfig",
            "metadata",
            "materials",
        ],
    )?;
    let _ = build_config; // interface{}: any JSON.
    let [builder_id] = struct_fields(builder, ["id"])?;
    let [config_source, parameters, environment] =
        struct_fields(invocation, ["configSource", "parameters", "environment"])?;
    let _ = parameters; // interface{}: any JSON.
    let [uri, digest, entry_point] = struct_fields(config_source, ["uri", "digest", "entryPoint"])?;
    go_string_map(digest)?;
    go_string(entry_point)?;
    // Go's json tag is `buildInvocationID`; the SLSA spec spells `buildInvocationId`. Both
    // match because keys are compared case-insensitively, as Go does.
    let [invocation_id, started, finished, completeness, reproducible] = struct_fields(
        metadata,
        [
            "buildInvocationID",
            "buildStartedOn",
            "buildFinishedOn",
            "completeness",
            "reproducible",
        ],
    )?;
    go_string(invocation_id)?;
    go_time(started)?;
    go_time(finished)?;
    go_bool(reproducible)?;
    for flag in struct_fields(completeness, ["parameters", "environment", "materials"])? {
        go_bool(flag)?;
    }
    let mut first_source_uri = None;
    for material in go_array(materials)? {
        let [uri, digest] = struct_fields(Some(material), ["uri", "digest"])?;
        go_string_map(digest)?;
        let uri = go_string(uri)?;
        first_source_uri.get_or_insert(uri);
    }
    Ok(PredicateFields {
        builder_id: go_string(builder_id)?,
        build_type: go_string(build_type)?,
        config_source_uri: go_string(uri)?,
        first_source_uri,
        environment: go_interface(environment),
    })
}

/// in-toto-golang `slsa1.ProvenancePredicate`.
pub(super) fn decode_predicate_v1(value: Option<&Value>) -> Result<PredicateFields<'_>, SlsaError> {
    let [build_definition, run_details] = struct_fields(value, ["buildDefinition", "runDetails"])?;
    let [build_type, external, internal, resolved] = struct_fields(
        build_definition,
        [
            "buildType",
            "externalParameters",
            "internalParameters",
            "resolvedDependencies",
        ],
    )?;
    let _ = external; // interface{}: any JSON.
    let mut first_source_uri = None;
    for dependency in go_array(resolved)? {
        let uri = decode_resource_descriptor(dependency)?;
        first_source_uri.get_or_insert(uri);
    }
    let [builder, metadata, byproducts] =
        struct_fields(run_details, ["builder", "metadata", "byproducts"])?;
    let [builder_id, version, dependencies] =
        struct_fields(builder, ["id", "version", "builderDependencies"])?;
    go_string_map(version)?;
    for dependency in go_array(dependencies)? {
        decode_resource_descriptor(dependency)?;
    }
    let [invocation_id, started, finished] =
        struct_fields(metadata, ["invocationId", "startedOn", "finishedOn"])?;
    go_string(invocation_id)?;
    go_time(started)?;
    go_time(finished)?;
    for byproduct in go_array(byproducts)? {
        decode_resource_descriptor(byproduct)?;
    }
    Ok(PredicateFields {
        builder_id: go_string(builder_id)?,
        build_type: go_string(build_type)?,
        config_source_uri: "",
        first_source_uri,
        environment: go_interface(internal),
    })
}

/// in-toto-golang `slsa1.ResourceDescriptor`; returns its `uri`.
pub(super) fn decode_resource_descriptor(value: &Value) -> Result<&str, SlsaError> {
    let [uri, digest, name, download_location, media_type, content, annotations] = struct_fields(
        Some(value),
        [
            "uri",
            "digest",
            "name",
            "downloadLocation",
            "mediaType",
            "content",
            "annotations",
        ],
    )?;
    go_string_map(digest)?;
    for text in [name, download_location, media_type] {
        go_string(text)?;
    }
    go_bytes(content)?;
    if let Some(annotations) = go_interface(annotations) {
        go_map(Some(annotations), "annotations is not an object")?;
    }
    go_string(uri)
}

// --- The GitHub context (`slsaprovenance/common/common.go`) -------------------------------------

/// GitHub context key names: v0.2 generators write `github_*`, BYOB and v1 `GITHUB_*`.
pub(super) struct EnvKeys {
    pub(super) ref_type: &'static str,
    pub(super) git_ref: &'static str,
    pub(super) base_ref: &'static str,
    pub(super) event_name: &'static str,
    pub(super) event_payload: &'static str,
}

pub(super) const LOWER_ENV: EnvKeys = EnvKeys {
    ref_type: "github_ref_type",
    git_ref: "github_ref",
    base_ref: "github_base_ref",
    event_name: "github_event_name",
    event_payload: "github_event_payload",
};

pub(super) const UPPER_ENV: EnvKeys = EnvKeys {
    ref_type: "GITHUB_REF_TYPE",
    git_ref: "GITHUB_REF",
    base_ref: "GITHUB_BASE_REF",
    event_name: "GITHUB_EVENT_NAME",
    event_payload: "GITHUB_EVENT_PAYLOAD",
};

/// `common.GetTag`.
pub(super) fn github_tag<'a>(
    env: &'a [(String, Value)],
    keys: &EnvKeys,
) -> Result<Cow<'a, str>, SlsaError> {
    match get_as_string(env, keys.ref_type)? {
        "branch" => Ok(Cow::Borrowed("")),
        "tag" => get_as_string(env, keys.git_ref).map(Cow::Borrowed),
        _ => Err(SlsaError::InvalidDssePayload("unknown github_ref_type")),
    }
}

/// `common.GetBranch`: the ref for branch builds; for tag builds the base ref, else the push
/// payload's `base_ref` (null for a commit push), else the release's `target_commitish`.
pub(super) fn github_branch<'a>(
    env: &'a [(String, Value)],
    keys: &EnvKeys,
) -> Result<Cow<'a, str>, SlsaError> {
    match get_as_string(env, keys.ref_type)? {
        "branch" => return get_as_string(env, keys.git_ref).map(Cow::Borrowed),
        "tag" => {}
        _ => return Err(SlsaError::InvalidDssePayload("unknown github_ref_type")),
    }
    let base_ref = get_as_string(env, keys.base_ref)?;
    if !base_ref.is_empty() {
        return Ok(Cow::Borrowed(base_ref));
    }
    let event_name = get_as_string(env, keys.event_name)?;
    let payload = match map_get(env, keys.event_payload) {
        Some(Value::Object(payload)) => payload.as_slice(),
        _ => {
            return Err(SlsaError::InvalidDssePayload(
                "GitHub event payload is absent or not an object",
            ))
        }
    };
    match event_name {
        "push" => match map_get(payload, "base_ref") {
            None => Err(SlsaError::InvalidDssePayload(
                "push event payload has no base_ref",
            )),
            Some(Value::String(base_ref)) => Ok(Cow::Borrowed(base_ref.as_str())),
            Some(_) => Ok(Cow::Borrowed("")),
        },
        "release" => {
            let release = match map_get(payload, "release") {
                Some(Value::Object(release)) => release.as_slice(),
                _ => {
                    return Err(SlsaError::InvalidDssePayload(
                        "release event payload has no release object",
                    ))
                }
            };
            let target = get_as_string(release, "target_commitish")?;
            let mut branch = String::from("refs/heads/");
            branch.push_str(target);
            Ok(Cow::Owned(branch))
        }
        _ => Ok(Cow::Borrowed("")),
    }
}

/// `common.GetAsString`: the key must exist and hold a string.
pub(super) fn get_as_string<'a>(
    map: &'a [(String, Value)],
    key: &str,
) -> Result<&'a str, SlsaError> {
    match map_get(map, key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(SlsaError::InvalidDssePayload(
            "GitHub context field is not a string",
        )),
        None => Err(SlsaError::InvalidDssePayload(
            "GitHub context field is absent",
        )),
    }
}
