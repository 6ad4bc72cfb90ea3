//! Who the Fulcio-like CA certifies: a SAN, an OIDC issuer and the Fulcio extensions.

/// The certificate's subject alternative name (exactly one, as Fulcio issues them).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum San {
    /// A URI (CI workflow identities).
    Uri(String),
    /// An e-mail address (interactive OIDC logins).
    Email(String),
}

impl San {
    /// The SAN as a verifier reports it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Uri(s) | Self::Email(s) => s,
        }
    }
}

/// The GitHub Actions OIDC issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// A signer identity: SAN, issuer and every Fulcio extension value, in the order they are
/// written to the certificate (`1.3.6.1.4.1.57264.1.<arc>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The SAN.
    pub san: San,
    /// The OIDC issuer (written to `.1` and `.8` unless `extensions` says otherwise).
    pub issuer: String,
    /// `(arc, value)` pairs, ascending by arc.
    pub extensions: Vec<(u32, String)>,
}

/// A GitHub Actions run, as the Fulcio extensions describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GithubRun {
    /// `org/repo` of the repository whose workflow ran.
    pub repository: String,
    /// The workflow file, relative to the repository (`.github/workflows/release.yml`).
    pub workflow_path: String,
    /// The workflow's `name:`.
    pub workflow_name: String,
    /// The git ref (`refs/tags/v1.0.0`).
    pub git_ref: String,
    /// The commit SHA (40 hex).
    pub sha: String,
    /// The event (`push`, `workflow_dispatch`, …).
    pub event: String,
    /// Numeric repository ID.
    pub repository_id: String,
    /// Numeric owner ID.
    pub owner_id: String,
    /// The run ID.
    pub run_id: String,
}

impl Default for GithubRun {
    fn default() -> Self {
        Self {
            repository: "edgeverify/example-release".into(),
            workflow_path: ".github/workflows/release.yml".into(),
            workflow_name: "release".into(),
            git_ref: "refs/tags/v1.0.0".into(),
            sha: "1111111111111111111111111111111111111111".into(),
            event: "push".into(),
            repository_id: "700000001".into(),
            owner_id: "700000000".into(),
            run_id: "4242424242".into(),
        }
    }
}

impl Identity {
    /// A SAN and issuer with the issuer in `.1` (raw, legacy) and `.8` (UTF8String), as
    /// Fulcio writes both today.
    pub fn new(san: San, issuer: &str) -> Self {
        Self {
            san,
            issuer: issuer.to_string(),
            extensions: vec![(1, issuer.to_string()), (8, issuer.to_string())],
        }
    }

    /// An interactive login: e-mail SAN.
    pub fn email(address: &str, issuer: &str) -> Self {
        Self::new(San::Email(address.to_string()), issuer)
    }

    /// A GitHub Actions workflow signing for itself: SAN = the workflow at its ref, with the
    /// deprecated `.2`–`.6` and the `.9`–`.22` extensions a real certificate carries.
    pub fn github_workflow(run: &GithubRun) -> Self {
        let workflow = format!(
            "https://github.com/{}/{}@{}",
            run.repository, run.workflow_path, run.git_ref
        );
        Self::github(run, &workflow, &run.sha)
    }

    /// A GitHub reusable workflow (such as slsa-github-generator's) called by `run`: SAN and
    /// Build Signer (`.9`, `.10`) name the reusable workflow; Build Config (`.18`, `.19`) and
    /// the source repository name the caller.
    pub fn github_reusable_workflow(run: &GithubRun, reusable: &str, reusable_sha: &str) -> Self {
        Self::github(run, reusable, reusable_sha)
    }

    /// The SAN slsa-github-generator's generic generator signs provenance with.
    pub fn slsa_github_generator(run: &GithubRun) -> Self {
        Self::github_reusable_workflow(
            run,
            "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
            "f7dd8c54c2067bafc12ca7a55595d5ee9b75204a",
        )
    }

    fn github(run: &GithubRun, signer: &str, signer_sha: &str) -> Self {
        let repo_uri = format!("https://github.com/{}", run.repository);
        let owner = run.repository.split('/').next().unwrap_or_default();
        let config = format!("{repo_uri}/{}@{}", run.workflow_path, run.git_ref);
        let mut id = Self::new(San::Uri(signer.to_string()), GITHUB_ISSUER);
        id.extensions = vec![
            (1, GITHUB_ISSUER.into()),
            (2, run.event.clone()),
            (3, run.sha.clone()),
            (4, run.workflow_name.clone()),
            (5, run.repository.clone()),
            (6, run.git_ref.clone()),
            (8, GITHUB_ISSUER.into()),
            (9, signer.to_string()),
            (10, signer_sha.to_string()),
            (11, "github-hosted".into()),
            (12, repo_uri.clone()),
            (13, run.sha.clone()),
            (14, run.git_ref.clone()),
            (15, run.repository_id.clone()),
            (16, format!("https://github.com/{owner}")),
            (17, run.owner_id.clone()),
            (18, config),
            (19, run.sha.clone()),
            (20, run.event.clone()),
            (
                21,
                format!("{repo_uri}/actions/runs/{}/attempts/1", run.run_id),
            ),
            (22, "public".into()),
        ];
        id
    }

    /// Sets (or replaces) one extension.
    pub fn with_extension(mut self, arc: u32, value: &str) -> Self {
        self.extensions.retain(|(a, _)| *a != arc);
        self.extensions.push((arc, value.to_string()));
        self.extensions.sort_by_key(|(a, _)| *a);
        self
    }

    /// Removes one extension (for example the legacy `.1` issuer).
    pub fn without_extension(mut self, arc: u32) -> Self {
        self.extensions.retain(|(a, _)| *a != arc);
        self
    }
}

impl Default for Identity {
    /// The default signer: a GitHub Actions release workflow.
    fn default() -> Self {
        Self::github_workflow(&GithubRun::default())
    }
}
