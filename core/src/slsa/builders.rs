//! The builders slsa-verifier knows: fixed identities (`gha/builder.go`,
//! `slsaprovenance/common/*.go`) and which provenance each one produces.

use super::provenance::{Kind, PredicateVersion};

pub(super) const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";
pub(super) const HTTPS_GITHUB_COM: &str = "https://github.com/";
pub(super) const GIT_HTTPS_GITHUB_COM: &str = "git+https://github.com/";

/// BYOB provenance without `--builder-id` must name a builder under this prefix.
pub(super) const SLSA_GITHUB_GENERATOR_WORKFLOWS: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/";
pub(super) const GENERIC_GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml";
pub(super) const GO_BUILDER: &str =
    "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml";
pub(super) const CONTAINER_BASED_BUILDER: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_container-based_slsa3.yml";
/// Trusted by default only for `verify-image`; reachable from `verify-artifact` with an explicit
/// `--builder-id`.
pub(super) const CONTAINER_GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml";
pub(super) const DELEGATOR_GENERIC: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml";
pub(super) const DELEGATOR_LOWPERMS: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml";
/// JReleaser's trusted reusable workflow is tagged `vX.Y.Z-java` (slsa-github-generator #2035).
pub(super) const JRELEASER_REPOSITORY: &str = "https://github.com/jreleaser/release-action";

/// `verify-artifact`'s default trusted builders: the artifact builders plus the BYOB delegators.
pub(super) const DEFAULT_TRUSTED_BUILDERS: [&str; 5] = [
    GENERIC_GENERATOR,
    GO_BUILDER,
    CONTAINER_BASED_BUILDER,
    DELEGATOR_GENERIC,
    DELEGATOR_LOWPERMS,
];

/// `verify-image`'s default trusted builders (slsa-verifier `defaultContainerTrustedReusableWorkflows`).
pub(super) const DEFAULT_TRUSTED_IMAGE_BUILDERS: [&str; 1] = [CONTAINER_GENERATOR];

pub(super) const PREDICATE_V02: &str = "https://slsa.dev/provenance/v0.2";
pub(super) const PREDICATE_V1: &str = "https://slsa.dev/provenance/v1";

pub(super) const BYOB_BUILD_TYPE: &str =
    "https://github.com/slsa-framework/slsa-github-generator/delegator-generic@v0";

/// Which (certificate builder, predicate version, buildType) combinations slsa-verifier accepts,
/// and how each provenance is read (`v0.2/provenance.go` and `v1.0/provenance.go` `buildTypeMap`).
pub(super) const BUILD_TYPES: [(&str, PredicateVersion, &str, Kind); 10] = [
    (
        DELEGATOR_GENERIC,
        PredicateVersion::V02,
        BYOB_BUILD_TYPE,
        Kind::ByobV02,
    ),
    (
        DELEGATOR_LOWPERMS,
        PredicateVersion::V02,
        BYOB_BUILD_TYPE,
        Kind::ByobV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/go@v1",
        Kind::GithubV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator@v1",
        Kind::GithubV02,
    ),
    (
        GO_BUILDER,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator-go@v1",
        Kind::GithubV02,
    ),
    (
        GENERIC_GENERATOR,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/generic@v1",
        Kind::GithubV02,
    ),
    (
        CONTAINER_GENERATOR,
        PredicateVersion::V02,
        "https://github.com/slsa-framework/slsa-github-generator/container@v1",
        Kind::GithubV02,
    ),
    (
        DELEGATOR_GENERIC,
        PredicateVersion::V1,
        BYOB_BUILD_TYPE,
        Kind::ByobV1,
    ),
    (
        DELEGATOR_LOWPERMS,
        PredicateVersion::V1,
        BYOB_BUILD_TYPE,
        Kind::ByobV1,
    ),
    (
        CONTAINER_BASED_BUILDER,
        PredicateVersion::V1,
        "https://slsa.dev/container-based-build/v0.1?draft",
        Kind::ContainerBasedV1,
    ),
];
