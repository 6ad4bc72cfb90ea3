//go:build cgo

package edgeverify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The nine real `cosign save` layouts of slsa-verifier's Test_runVerifyGHAArtifactImage.
var ociData = filepath.Join("..", "..", "..", "core", "tests", "data", "oci", "slsa-verifier-gha_generic_container")

const containerGenerator = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml"

var imageVersions = []string{"v1.4.0", "v1.5.0", "v1.6.0", "v1.7.0", "v1.8.0", "v1.9.0", "v1.10.0", "v2.0.0", "v2.1.0"}

func imageLayout(version string) string {
	return filepath.Join(ociData, version, "container_workflow_dispatch")
}

func imageDigest(t *testing.T, version string) Digest {
	t.Helper()
	text, err := os.ReadFile(imageLayout(version) + ".digest")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseDigest(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestVerifyImageLayoutSLSA(t *testing.T) {
	v, err := NewVerifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	policy := SLSAPolicy("github.com/slsa-framework/example-package", "", "")
	for _, version := range imageVersions {
		got, err := v.VerifyImageLayout(imageLayout(version), imageDigest(t, version), "", policy)
		if err != nil {
			t.Fatalf("%s: %v", version, err)
		}
		if got.Identity != containerGenerator+"@refs/tags/"+version || len(got.Provenance) == 0 {
			t.Fatalf("%s: %+v", version, got)
		}
	}
	_, err = v.VerifyImageLayout(imageLayout("v2.1.0"), imageDigest(t, "v2.1.0"), "",
		SLSAPolicy("github.com/slsa-framework/other", "", ""))
	asError(t, err, CodeProvenanceRejected, true)
}

func TestVerifyImageInStoreWithIdentity(t *testing.T) {
	v, err := NewVerifier()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	// An evidence store with one image: <store>/sha256-<hex> is its layout.
	store := t.TempDir()
	d := imageDigest(t, "v2.0.0")
	if err := os.Symlink(mustAbs(t, imageLayout("v2.0.0")), ImageStorePath(store, d)); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(ImageStorePath(store, d)) != "sha256-"+strings.TrimPrefix(d.String(), "sha256:") {
		t.Fatal(ImageStorePath(store, d))
	}
	policy := IdentityPolicy(containerGenerator+"@refs/tags/v2.0.0", githubIssuer)
	got, err := v.VerifyImageInStore(store, d, "slsaprovenance", policy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Statement) == 0 {
		t.Fatalf("%+v", got)
	}
	// The layout holds attestations only: no signature.
	_, err = v.VerifyImageInStore(store, d, "", policy)
	asError(t, err, CodeImageEvidenceInvalid, true)
	// Another signer.
	_, err = v.VerifyImageInStore(store, d, "slsaprovenance",
		IdentityPolicy(containerGenerator+"@refs/tags/v9.9.9", githubIssuer))
	asError(t, err, CodeIdentityMismatch, true)
	// An image with nothing in the store decides nothing.
	_, err = v.VerifyImageInStore(store, imageDigest(t, "v2.1.0"), "slsaprovenance", policy)
	asError(t, err, CodeInvalidParameter, false)
	// Not a SHA-256 image digest.
	_, err = v.VerifyImageLayout(imageLayout("v2.0.0"), Digest{Algorithm: SHA512, Value: make([]byte, 64)}, "", policy)
	asError(t, err, CodeInvalidParameter, false)
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
