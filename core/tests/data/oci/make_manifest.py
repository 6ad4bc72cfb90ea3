#!/usr/bin/env python3
"""Writes MANIFEST.tsv: every expectation of slsa-verifier's Test_runVerifyGHAArtifactImage
(cli/slsa-verifier/main_regression_test.go @ aaf98fd77ddc), expanded as the Go test expands it:
each case runs on every builder version in slsa-verifier-gha_generic_container/, and, unless the
case sets its own builder ID, with four builder IDs (the builder with the version in short form,
in long form `@refs/tags/`, the builder name alone, none). A passing run must also report a
builder ID that matches the one given (`outBuilderID.Matches(bid, true)`): `out_builder_id` is
what slsa-verifier reports, `<builder>@refs/tags/<version>`.

Run from this directory: python3 make_manifest.py > MANIFEST.tsv
"""
import os

BUILDER = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml"
SOURCE = "github.com/slsa-framework/example-package"

# (name, source, branch, tag, versioned tag, builder id, expected error) — the Go test's table,
# in its order.
CASES = [
    ("valid main branch default", SOURCE, "", "", "", None, "pass"),
    ("valid main branch default - invalid builderID", SOURCE, "", "", "",
     "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/not-trusted.yml",
     "ErrorUntrustedReusableWorkflow"),
    ("valid main branch set", SOURCE, "main", "", "", None, "pass"),
    ("wrong branch master", SOURCE, "master", "", "", None, "ErrorMismatchBranch"),
    ("wrong source append A", "github.com/slsa-framework/example-packageA", "", "", "", None,
     "ErrorMismatchSource"),
    ("wrong source prepend A", "Agithub.com/slsa-framework/example-package", "", "", "", None,
     "ErrorMismatchSource"),
    ("wrong source middle A", "github.com/Aslsa-framework/example-package", "", "", "", None,
     "ErrorMismatchSource"),
    ("tag no match empty tag workflow_dispatch", SOURCE, "", "v1.2.3", "", None,
     "ErrorInvalidRef"),
    ("versioned tag no match empty tag workflow_dispatch", SOURCE, "", "", "v1", None,
     "ErrorInvalidRef"),
]

# The two "empty tag" cases. The versions of main_regression_test.go that could be read expect
# ErrorMismatchTag and ErrorInvalidSemver for every builder version (go_table_error). Two facts
# make a per-version expectation necessary:
# - at aaf98fd slsa-verifier derives the tag with utils.TagFromGitRef, which refuses the empty
#   ref of a branch build with ErrorInvalidRef before any comparison; its verify-artifact table
#   expects ErrorInvalidRef for the same two cases (../slsa-verifier/MANIFEST.tsv), and
#   verify-image runs the same code (VerifyProvenanceCommonOptions);
# - the v1.9.0, v1.10.0 and v2.0.0 layouts were not built by workflow_dispatch but by a push of
#   tag v13.0.30 (github_ref_type "tag"): "v1.2.3" then mismatches the tag (ErrorMismatchTag)
#   and "v1" the version (ErrorMismatchVersionedTag).
# `expected` is what slsa-verifier's code at aaf98fd returns for each layout's provenance.
OLDER_TABLE = {
    "tag no match empty tag workflow_dispatch": "ErrorMismatchTag",
    "versioned tag no match empty tag workflow_dispatch": "ErrorInvalidSemver",
}
ON_A_TAG_BUILD = {
    "tag no match empty tag workflow_dispatch": "ErrorMismatchTag",
    "versioned tag no match empty tag workflow_dispatch": "ErrorMismatchVersionedTag",
}


def ref_type(layout):
    """github_ref_type of the layout's provenance (read from its .att layer)."""
    import base64
    import json
    index = json.load(open(f"{layout}/index.json"))
    for m in index["manifests"]:
        if m["annotations"]["kind"].endswith("/atts"):
            att = json.load(open(f"{layout}/blobs/sha256/{m['digest'][7:]}"))
            env = json.load(open(f"{layout}/blobs/sha256/{att['layers'][0]['digest'][7:]}"))
            statement = json.loads(base64.b64decode(env["payload"]))
            return statement["predicate"]["invocation"]["environment"]["github_ref_type"]
    raise SystemExit(f"no attestation in {layout}")

DIR = "slsa-verifier-gha_generic_container"


def semver_key(v):
    return tuple(int(x) for x in v.lstrip("v").split("."))


versions = sorted(os.listdir(DIR), key=semver_key)
print("\t".join(["case_id", "layout", "image_digest", "source_uri", "source_branch", "source_tag",
                 "source_versioned_tag", "builder_id", "expected", "out_builder_id",
                 "go_table_error"]))
for name, source, branch, tag, vtag, bid, table_expected in CASES:
    for v in versions:
        expected = table_expected
        layout = f"{DIR}/{v}/container_workflow_dispatch"
        with open(f"{DIR}/{v}/container_workflow_dispatch.digest") as f:
            digest = f.read().strip()
        if name in ON_A_TAG_BUILD and ref_type(f"{DIR}/{v}/container_workflow_dispatch") == "tag":
            expected = ON_A_TAG_BUILD[name]
        elif name in ON_A_TAG_BUILD:
            expected = "ErrorInvalidRef"
        bids = [bid] if bid is not None else [f"{BUILDER}@{v}", f"{BUILDER}@refs/tags/{v}", BUILDER, ""]
        for b in bids:
            out = f"{BUILDER}@refs/tags/{v}" if expected == "pass" else ""
            case = f"Test_runVerifyGHAArtifactImage/{name}/{v}/bid={b or '-'}"
            older = OLDER_TABLE.get(name, expected if expected != "pass" else "")
            print("\t".join([case, layout, digest, source, branch, tag, vtag, b, expected, out,
                             older]))
