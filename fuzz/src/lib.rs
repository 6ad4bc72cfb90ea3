//! Shared fixtures for the fuzz targets: real, valid bundles from the test vectors with the trust
//! root, artifact and policy each one verifies under, and the trust roots the parsers are
//! checked against. Everything is compiled in, so a target needs no files at run time.

use std::sync::OnceLock;

use edgeverify_core::{
    verify, Artifact, Bundle, CertificateIdentity, Policy, PublicKey, TrustRoot,
};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

macro_rules! vector {
    ($path:literal) => {
        include_bytes!(concat!(
            "../../core/tests/data/sigstore-conformance/",
            $path
        ))
    };
}

/// A valid bundle and what it verifies under.
pub struct Case {
    /// The conformance case it comes from.
    pub name: &'static str,
    /// The bundle JSON, exactly as in the vector.
    pub bundle: &'static [u8],
    /// The trust root it verifies against.
    pub root: TrustRoot,
    /// The signed artifact.
    pub artifact: &'static [u8],
    /// The policy it passes.
    pub policy: Policy,
}

const A_TXT: &[u8] = vector!("a.txt");

fn identity() -> Policy {
    Policy::Identity(CertificateIdentity::exact(IDENTITY, ISSUER).expect("constant identity"))
}

fn root(json: &[u8]) -> TrustRoot {
    TrustRoot::from_json(json).expect("vector trust roots parse")
}

fn production() -> TrustRoot {
    TrustRoot::embedded_production().expect("embedded root parses")
}

/// The valid cases, each checked once to verify (a fixture that does not verify would make
/// every fuzz verdict meaningless).
pub fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases = vec![
            Case {
                name: "happy-path-v0.1",
                bundle: vector!("happy-path-v0.1/bundle.sigstore.json"),
                root: production(),
                artifact: A_TXT,
                policy: identity(),
            },
            Case {
                name: "happy-path-v0.3",
                bundle: vector!("happy-path-v0.3/bundle.sigstore.json"),
                root: production(),
                artifact: A_TXT,
                policy: identity(),
            },
            Case {
                name: "happy-path-intoto-in-dsse-v3",
                bundle: vector!("happy-path-intoto-in-dsse-v3/bundle.sigstore.json"),
                root: production(),
                artifact: A_TXT,
                policy: identity(),
            },
            Case {
                name: "intoto-with-custom-trust-root",
                bundle: vector!("intoto-with-custom-trust-root/bundle.sigstore.json"),
                root: root(vector!("intoto-with-custom-trust-root/trusted_root.json")),
                artifact: vector!("intoto-with-custom-trust-root/artifact"),
                policy: identity(),
            },
            Case {
                name: "managed-key-happy-path",
                bundle: vector!("managed-key-happy-path/bundle.sigstore.json"),
                root: production(),
                artifact: A_TXT,
                policy: Policy::PublicKey(
                    PublicKey::from_pem(
                        core::str::from_utf8(vector!("managed-key-happy-path/key.pub"))
                            .expect("PEM is text"),
                    )
                    .expect("vector key parses"),
                ),
            },
            Case {
                name: "rekor2-happy-path",
                bundle: vector!("rekor2-happy-path/bundle.sigstore.json"),
                root: root(vector!("rekor2-happy-path/trusted_root.json")),
                artifact: A_TXT,
                policy: identity(),
            },
            Case {
                name: "rekor2-dsse-happy-path",
                bundle: vector!("rekor2-dsse-happy-path/bundle.sigstore.json"),
                root: root(vector!("rekor2-dsse-happy-path/trusted_root.json")),
                artifact: A_TXT,
                policy: identity(),
            },
            Case {
                name: "rekor2-timestamp-with-embedded-cert",
                bundle: vector!("rekor2-timestamp-with-embedded-cert/bundle.sigstore.json"),
                root: root(vector!(
                    "rekor2-timestamp-with-embedded-cert/trusted_root.json"
                )),
                artifact: A_TXT,
                policy: identity(),
            },
        ];
        for case in &cases {
            let bundle = Bundle::from_json(case.bundle).expect("fixture bundle parses");
            if let Err(e) = verify(
                &case.root,
                &bundle,
                Artifact::Bytes(case.artifact),
                &case.policy,
            ) {
                panic!("fixture {} does not verify: {e}", case.name);
            }
        }
        cases
    })
}

/// The case for a selector byte.
pub fn case(selector: u8) -> &'static Case {
    let all = cases();
    &all[usize::from(selector) % all.len()]
}

/// The `trusted_root.json` files of [`roots`], in the same order: the embedded production root
/// and the vectors' own.
pub const ROOT_FILES: [&[u8]; 6] = [
    include_bytes!("../../core/trust/production.trusted_root.json"),
    vector!("rekor2-happy-path/trusted_root.json"),
    vector!("rekor2-dsse-happy-path/trusted_root.json"),
    vector!("intoto-with-custom-trust-root/trusted_root.json"),
    vector!("rekor2-timestamp-with-embedded-cert/trusted_root.json"),
    vector!("bundle-with-sct-with-extensions/trusted_root.json"),
];

/// Trust roots with different logs, CAs and TSAs: production plus the vectors' own.
pub fn roots() -> &'static [TrustRoot] {
    static ROOTS: OnceLock<Vec<TrustRoot>> = OnceLock::new();
    ROOTS.get_or_init(|| ROOT_FILES.iter().map(|json| root(json)).collect())
}

/// The trust root for a selector byte.
pub fn root_for(selector: u8) -> &'static TrustRoot {
    let all = roots();
    &all[usize::from(selector) % all.len()]
}

/// A real SLSA provenance statement with the claims of the certificate that signed it.
pub struct Provenance {
    /// The decoded DSSE payload.
    pub statement: &'static [u8],
    /// The signing certificate's claims.
    pub claims: edgeverify_core::slsa::CertificateClaims,
}

macro_rules! slsa_fixture {
    ($name:literal) => {
        (
            include_bytes!(concat!(
                "../../core/tests/data/slsa/",
                $name,
                ".statement.json"
            ))
            .as_slice(),
            include_bytes!(concat!(
                "../../core/tests/data/slsa/",
                $name,
                ".claims.json"
            ))
            .as_slice(),
        )
    };
}

/// Claims from the fixture's JSON (field names as in `CertificateClaims`).
fn claims(json: &[u8]) -> edgeverify_core::slsa::CertificateClaims {
    let v: serde_json::Value = serde_json::from_slice(json).expect("claims fixture is JSON");
    let get = |k: &str| v.get(k).and_then(|s| s.as_str()).map(String::from);
    let mut c = edgeverify_core::slsa::CertificateClaims::default();
    c.san_uri = get("san_uri");
    c.issuer = get("issuer");
    c.issuer_v1 = get("issuer_v1");
    c.github_workflow_trigger = get("github_workflow_trigger");
    c.github_workflow_sha = get("github_workflow_sha");
    c.github_workflow_repository = get("github_workflow_repository");
    c.source_repository_uri = get("source_repository_uri");
    c.source_repository_digest = get("source_repository_digest");
    c.build_config_uri = get("build_config_uri");
    c.build_config_digest = get("build_config_digest");
    c.build_trigger = get("build_trigger");
    c
}

/// The three SLSA fixtures (generic generator, BYOB delegator, container-based builder).
pub fn provenances() -> &'static [Provenance] {
    static ALL: OnceLock<Vec<Provenance>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            slsa_fixture!("generic-v2.1.0-push-v13.0.30"),
            slsa_fixture!("delegator-v2.1.0-push-v13.0.30"),
            slsa_fixture!("container-based-v2.1.0-push-v13.0.30"),
        ]
        .into_iter()
        .map(|(statement, c)| Provenance {
            statement,
            claims: claims(c),
        })
        .collect()
    })
}

/// The SHA-256 of the first subject of a statement, if it has one in hex.
pub fn first_subject_sha256(statement: &[u8]) -> Option<[u8; 32]> {
    let v: serde_json::Value = serde_json::from_slice(statement).ok()?;
    let hex = v
        .get("subject")?
        .get(0)?
        .get("digest")?
        .get("sha256")?
        .as_str()?;
    // Exactly two hex digits per byte (core's parser; `u8::from_str_radix` takes a sign).
    edgeverify_core::hex_decode(hex)?.try_into().ok()
}

pub mod ecdsa;
