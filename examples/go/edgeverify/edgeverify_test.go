//go:build cgo

package edgeverify

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test data of the repository (this package lives in examples/go/edgeverify).
var (
	exampleBinary     = filepath.Join("..", "..", "artifacts", "binary-linux-amd64")
	exampleProvenance = filepath.Join("..", "..", "artifacts", "binary-linux-amd64.intoto.jsonl")
	conformance       = filepath.Join("..", "..", "..", "core", "tests", "data", "sigstore-conformance")
)

const (
	generatorIdentity = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0"
	githubIssuer      = "https://token.actions.githubusercontent.com"
	conformanceSigner = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
	exampleSHA256     = "376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"
	// The embedded trusted_root.json's SHA-256 (core's EMBEDDED_PRODUCTION_SHA256).
	productionRootSHA256 = "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66"
)

var generatorPolicy = IdentityPolicy(generatorIdentity, githubIssuer)

// copyFile copies src into a new file in dir with the given mode and returns its path.
func copyFile(t *testing.T, src, dir string, mode os.FileMode, change func([]byte)) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(data)
	}
	dst := filepath.Join(dir, filepath.Base(src))
	if err := os.WriteFile(dst, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil { // not subject to the umask
		t.Fatal(err)
	}
	return dst
}

// asError insists that err is a library *Error with the given code and denial class.
func asError(t *testing.T, err error, code Code, denial bool) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error with code %d, got %v", code, err)
	}
	if e.Code != code {
		t.Fatalf("want code %d (%s), got %d: %v", code, code, e.Code, err)
	}
	if errors.Is(err, ErrDenied) != denial || e.IsDenial() != denial {
		t.Fatalf("errors.Is(err, ErrDenied) = %v, want %v: %v", errors.Is(err, ErrDenied), denial, err)
	}
	return e
}

func TestVerifyFileExampleArtifact(t *testing.T) {
	v, err := VerifyFile(exampleBinary, exampleProvenance, generatorPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if v.Identity != generatorIdentity || v.Issuer != githubIssuer {
		t.Errorf("identity %q issuer %q", v.Identity, v.Issuer)
	}
	if want := time.Unix(1740520730, 0); !v.IntegratedTime.Equal(want) {
		t.Errorf("integrated time %v, want %v", v.IntegratedTime, want)
	}
	if len(v.VerifiedTimes) != 1 || !v.VerifiedTimes[0].Equal(v.IntegratedTime) {
		t.Errorf("verified times %v", v.VerifiedTimes)
	}
	if v.LogIndex != 174304204 {
		t.Errorf("log index %d", v.LogIndex)
	}
	if got := hex.EncodeToString(v.ArtifactSHA256[:]); got != exampleSHA256 {
		t.Errorf("artifact sha256 %s", got)
	}
	if !bytes.Contains(v.Statement, []byte(exampleSHA256)) ||
		!bytes.Contains(v.Statement, []byte("https://slsa.dev/provenance/v0.2")) {
		t.Errorf("statement does not name the artifact and SLSA v0.2: %.200s", v.Statement)
	}
	if v.Provenance != nil {
		t.Errorf("provenance without a SLSA policy")
	}
}

func TestTamperedArtifactIsDenied(t *testing.T) {
	tampered := copyFile(t, exampleBinary, t.TempDir(), 0o755, func(b []byte) { b[len(b)/2] ^= 1 })
	_, err := VerifyFile(tampered, exampleProvenance, generatorPolicy)
	e := asError(t, err, CodeArtifactDigestMismatch, true)
	if !strings.Contains(e.Detail, "artifact digest") {
		t.Errorf("detail %q", e.Detail)
	}
}

func TestTamperedBundleIsDenied(t *testing.T) {
	// Change one character of the DSSE signature.
	bundle := copyFile(t, exampleProvenance, t.TempDir(), 0o644, func(b []byte) {
		i := bytes.Index(b, []byte(`"sig":"`))
		if i < 0 {
			t.Fatal("no signature in the bundle")
		}
		i += len(`"sig":"`) + 10
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	})
	_, err := VerifyFile(exampleBinary, bundle, generatorPolicy)
	if !errors.Is(err, ErrDenied) {
		t.Fatalf("tampered bundle: %v", err)
	}
}

func TestWrongSignerIsDenied(t *testing.T) {
	other := IdentityPolicy("https://github.com/kubeedge/kubeedge/.github/workflows/release.yml@refs/tags/v1.21.0", githubIssuer)
	_, err := VerifyFile(exampleBinary, exampleProvenance, other)
	e := asError(t, err, CodeIdentityMismatch, true)
	if !strings.Contains(e.Detail, generatorIdentity) {
		t.Errorf("the detail should name the identity found: %q", e.Detail)
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance, IdentityPolicy(generatorIdentity, "https://accounts.google.com"))
	asError(t, err, CodeIssuerMismatch, true)
}

func TestIdentityMatchingPolicy(t *testing.T) {
	anyV2 := Regexp(`https://github\.com/slsa-framework/slsa-github-generator/\.github/workflows/generator_generic_slsa3\.yml@refs/tags/v2\.[0-9]+\.[0-9]+`)
	v, err := VerifyFile(exampleBinary, exampleProvenance, IdentityMatchingPolicy(anyV2, Exact(githubIssuer)))
	if err != nil {
		t.Fatal(err)
	}
	if v.Identity != generatorIdentity {
		t.Errorf("identity %q: the certificate's, not the pattern", v.Identity)
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance,
		IdentityMatchingPolicy(Exact(generatorIdentity), Regexp(`https://token\.actions\.githubusercontent\.com`)))
	if err != nil {
		t.Fatal(err)
	}
	denied := []struct {
		identity, issuer Matcher
		code             Code
	}{
		// Anchored: a prefix of the identity is not a match.
		{Regexp(`https://github\.com/slsa-framework/`), Exact(githubIssuer), CodeIdentityMismatch},
		{Regexp(`.*@refs/tags/v1\..*`), Exact(githubIssuer), CodeIdentityMismatch},
		// Exact means exact: the regular expression's text is not the identity.
		{Exact(anyV2.value), Exact(githubIssuer), CodeIdentityMismatch},
		{anyV2, Regexp(`https://accounts\.google\.com`), CodeIssuerMismatch},
	}
	for _, c := range denied {
		_, err = VerifyFile(exampleBinary, exampleProvenance, IdentityMatchingPolicy(c.identity, c.issuer))
		asError(t, err, c.code, true)
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance, IdentityMatchingPolicy(Regexp(`(unclosed`), Exact(githubIssuer)))
	asError(t, err, CodeInvalidParameter, false)
	// A pattern that would close a pasted-on anchor group, and so match any identity (this
	// example's signer included), is not a regular expression by itself: refused, not run.
	_, err = VerifyFile(exampleBinary, exampleProvenance,
		IdentityMatchingPolicy(Regexp(`https://github\.com/victim-org/.*)|(.*`), Exact(githubIssuer)))
	e := asError(t, err, CodeInvalidParameter, false)
	if !strings.Contains(e.Detail, "unopened group") {
		t.Errorf("the detail should give the regex engine's reason: %q", e.Detail)
	}
}

// TrustRootSHA256 is the digest of the bytes loaded: a compact (CBOR) root reports its own,
// not that of the JSON it was compiled from, and a changed file reports another.
func TestTrustRootSHA256IsOfTheBytesLoaded(t *testing.T) {
	cbor, err := os.ReadFile(filepath.Join(conformance, "..", "compact-trust-root", "production.cbor"))
	if err != nil {
		t.Fatal(err)
	}
	for i, data := range [][]byte{cbor, append([]byte(nil), cbor...)} {
		if i == 1 {
			data[len(data)/2] ^= 1 // inside a certificate: the file still loads
		}
		v, err := NewVerifierWithTrustRoot(data)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := v.TrustRootSHA256()
		if err != nil || sum != sha256.Sum256(data) {
			t.Errorf("file %d: TrustRootSHA256 %x, %v; want the file's %x", i, sum, err, sha256.Sum256(data))
		}
		if hex.EncodeToString(sum[:]) == productionRootSHA256 {
			t.Errorf("file %d reports the JSON's digest", i)
		}
		if i == 0 {
			if _, err := v.VerifyFile(exampleBinary, exampleProvenance, generatorPolicy); err != nil {
				t.Errorf("the compact root verifies like the JSON: %v", err)
			}
		}
		_ = v.Close()
	}
}

func TestFailuresAreNotDenials(t *testing.T) {
	_, err := VerifyFile(filepath.Join(t.TempDir(), "missing"), exampleProvenance, generatorPolicy)
	asError(t, err, CodeIO, false)
	_, err = VerifyFile(exampleBinary, exampleProvenance, IdentityPolicy("", githubIssuer))
	asError(t, err, CodeInvalidParameter, false)
	_, err = VerifyFile(exampleBinary, exampleProvenance, Policy{})
	asError(t, err, CodeInvalidParameter, false)
	_, err = VerifyFile(exampleBinary, exampleProvenance, IdentityPolicy(generatorIdentity+"\x00evil", githubIssuer))
	asError(t, err, CodeInvalidParameter, false)
	_, err = VerifyFile(exampleBinary, exampleProvenance, PublicKeyPolicy([]byte("not a key")))
	asError(t, err, CodeInvalidParameter, false)
	_, err = NewVerifierWithTrustRoot([]byte("{"))
	asError(t, err, CodeTrustRootMalformedJSON, false)
}

// What the bundle's content decides is a denial, never a failed call: the signer is of the other
// kind than the policy names, or the bundle's message digest contradicts its log entry (judged
// alike whether the artifact or its digest is given).
func TestContentDecidedFailuresAreDenials(t *testing.T) {
	read := func(parts ...string) []byte {
		data, err := os.ReadFile(filepath.Join(append([]string{conformance}, parts...)...))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	key := read("managed-key-happy-path", "key.pub")
	_, err := VerifyFile(exampleBinary, exampleProvenance, PublicKeyPolicy(key))
	asError(t, err, CodeBundleUnsuitable, true)

	verifier, err := DefaultVerifier()
	if err != nil {
		t.Fatal(err)
	}
	artifact := read("a.txt")
	policy := IdentityPolicy(conformanceSigner, githubIssuer)
	_, err = verifier.VerifyBundle(read("managed-key-happy-path", "bundle.sigstore.json"), artifact, policy)
	asError(t, err, CodeBundleUnsuitable, true)

	var bundle map[string]any
	if err := json.Unmarshal(read("happy-path-v0.3", "bundle.sigstore.json"), &bundle); err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(artifact)
	bundle["messageSignature"].(map[string]any)["messageDigest"] = map[string]any{
		"algorithm": "SHA2_512",
		"digest":    base64.StdEncoding.EncodeToString(sum[:]),
	}
	hinted, err := json.Marshal(bundle)
	if err != nil {
		t.Fatal(err)
	}
	_, err = verifier.VerifyBundle(hinted, artifact, policy)
	byBytes := asError(t, err, CodeLogEntryMismatch, true)
	var sha256 [32]byte
	if _, err := hex.Decode(sha256[:], []byte("a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf")); err != nil {
		t.Fatal(err)
	}
	_, err = verifier.VerifyBundleDigest(hinted, sha256, policy)
	byDigest := asError(t, err, CodeLogEntryMismatch, true)
	if byBytes.Detail != byDigest.Detail || !strings.HasPrefix(byBytes.Detail, "transparency log failed: ") {
		t.Errorf("details differ or lack the stage: %q, %q", byBytes.Detail, byDigest.Detail)
	}
}

func TestConformanceBundlesInMemory(t *testing.T) {
	bundle, err := os.ReadFile(filepath.Join(conformance, "happy-path-v0.3", "bundle.sigstore.json"))
	if err != nil {
		t.Fatal(err)
	}
	artifact, err := os.ReadFile(filepath.Join(conformance, "a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := DefaultVerifier()
	if err != nil {
		t.Fatal(err)
	}
	policy := IdentityPolicy(conformanceSigner, githubIssuer)
	v, err := verifier.VerifyBundle(bundle, artifact, policy)
	if err != nil {
		t.Fatal(err)
	}
	if v.Identity != conformanceSigner || v.Statement != nil {
		t.Errorf("unexpected verification %+v", v)
	}
	if _, err := verifier.VerifyBundleDigest(bundle, v.ArtifactSHA256, policy); err != nil {
		t.Errorf("by digest: %v", err)
	}
	artifact[0] ^= 1
	_, err = verifier.VerifyBundle(bundle, artifact, policy)
	asError(t, err, CodeArtifactDigestMismatch, true)
	_, err = verifier.VerifyBundle(bundle[:len(bundle)/2], artifact, policy)
	asError(t, err, CodeBundleMalformedJSON, true)
}

func TestCustomTrustRootRekorV2(t *testing.T) {
	dir := filepath.Join(conformance, "rekor2-happy-path")
	root, err := os.ReadFile(filepath.Join(dir, "trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := NewVerifierWithTrustRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	v, err := verifier.VerifyFile(filepath.Join(conformance, "a.txt"), filepath.Join(dir, "bundle.sigstore.json"),
		IdentityPolicy(conformanceSigner, githubIssuer))
	if err != nil {
		t.Fatal(err)
	}
	// Rekor v2 gives no integrated time: the time comes from an RFC 3161 timestamp.
	if !v.IntegratedTime.IsZero() || len(v.VerifiedTimes) == 0 {
		t.Errorf("times: integrated %v, verified %v", v.IntegratedTime, v.VerifiedTimes)
	}
	if err := verifier.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := verifier.VerifyFile(exampleBinary, exampleProvenance, generatorPolicy); err != ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}

func TestVerifyUpgrade(t *testing.T) {
	dir := t.TempDir()
	staged := copyFile(t, exampleBinary, dir, 0o755, nil)
	v, err := VerifyUpgrade(staged, exampleProvenance, generatorPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if v.Identity != generatorIdentity {
		t.Errorf("identity %q", v.Identity)
	}

	// A symlink or a file others may rewrite is refused before verifying, and not as a denial.
	link := filepath.Join(dir, "edgecore")
	if err := os.Symlink(staged, link); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyUpgrade(link, exampleProvenance, generatorPolicy); err == nil || errors.Is(err, ErrDenied) {
		t.Fatalf("symlink: %v", err)
	}
	if err := os.Chmod(staged, 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyUpgrade(staged, exampleProvenance, generatorPolicy); err == nil || errors.Is(err, ErrDenied) {
		t.Fatalf("world-writable: %v", err)
	}

	tampered := copyFile(t, exampleBinary, t.TempDir(), 0o755, func(b []byte) { b[0] ^= 1 })
	_, err = VerifyUpgrade(tampered, exampleProvenance, generatorPolicy)
	asError(t, err, CodeArtifactDigestMismatch, true)
}

func TestSLSAPolicy(t *testing.T) {
	v, err := VerifyFile(exampleBinary, exampleProvenance,
		SLSAPolicy("github.com/slsa-framework/example-package", "", generatorIdentity))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(v.Provenance, []byte(exampleSHA256)) {
		t.Errorf("provenance does not name the artifact")
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance, SLSAPolicy("github.com/evil/example-package", "", ""))
	e := asError(t, err, CodeProvenanceRejected, true)
	if !strings.Contains(e.Detail, "ErrorMismatchSource") {
		t.Errorf("detail %q", e.Detail)
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance, SLSAPolicy("github.com/slsa-framework/example-package", "v1.21.0", ""))
	asError(t, err, CodeProvenanceRejected, true)
	_, err = VerifyFile(exampleBinary, exampleProvenance, SLSAPolicy("github.com/org/repo", "", "https://gitlab.com/org/builder@v1"))
	asError(t, err, CodeInvalidParameter, false)

	// The example was built on branch main, from no tag.
	source := "github.com/slsa-framework/example-package"
	if _, err = VerifyFile(exampleBinary, exampleProvenance,
		SLSAPolicyWithOptions(source, SLSAOptions{Branch: "main", BuilderID: generatorIdentity})); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		options SLSAOptions
		detail  string
	}{
		{SLSAOptions{Branch: "release-1.0"}, "ErrorMismatchBranch"},
		{SLSAOptions{VersionedTag: "v2"}, "ErrorInvalidRef"},
	} {
		_, err = VerifyFile(exampleBinary, exampleProvenance, SLSAPolicyWithOptions(source, c.options))
		if e := asError(t, err, CodeProvenanceRejected, true); !strings.Contains(e.Detail, c.detail) {
			t.Errorf("%+v: detail %q", c.options, e.Detail)
		}
	}
	_, err = VerifyFile(exampleBinary, exampleProvenance, SLSAPolicyWithOptions(source, SLSAOptions{Tag: "v2.1.0", VersionedTag: "v2"}))
	asError(t, err, CodeInvalidParameter, false)
}

func TestConcurrentVerifications(t *testing.T) {
	verifier, err := NewVerifier()
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	tampered := copyFile(t, exampleBinary, t.TempDir(), 0o755, func(b []byte) { b[1] ^= 1 })
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				if _, err := verifier.VerifyFile(exampleBinary, exampleProvenance, generatorPolicy); err != nil {
					errs <- err
				}
				if _, err := verifier.VerifyFile(tampered, exampleProvenance, generatorPolicy); !errors.Is(err, ErrDenied) {
					errs <- errors.New("tampered binary not denied")
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCodes(t *testing.T) {
	if CodeOK.IsDenial() || CodeIO.IsDenial() || CodeTrustRootInvalid.IsDenial() || !CodeSignatureInvalid.IsDenial() || !CodeDenied.IsDenial() || CodeUnexpectedError.IsDenial() {
		t.Error("denial classification")
	}
	if CodeIdentityMismatch.String() == Code(4242).String() || Code(4242).String() != "unknown result code" {
		t.Errorf("messages: %q, %q", CodeIdentityMismatch, Code(4242))
	}
	sum, err := func() ([32]byte, error) {
		v, err := DefaultVerifier()
		if err != nil {
			return [32]byte{}, err
		}
		return v.TrustRootSHA256()
	}()
	if err != nil || hex.EncodeToString(sum[:]) != productionRootSHA256 {
		t.Errorf("embedded trust root sha256 %x, %v", sum, err)
	}
}

// A release: one provenance, several artifacts by digest. Each gets its verification (the same
// facts as VerifyBundleArtifactDigest gives), and a foreign digest among them is the denial
// VerifyBundleArtifactDigest gives it, naming its index.
func TestVerifyRelease(t *testing.T) {
	bundle, err := os.ReadFile(exampleProvenance)
	if err != nil {
		t.Fatal(err)
	}
	own, err := ParseDigest("sha256:" + exampleSHA256)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := ParseDigest("sha256:" + strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := NewVerifier()
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	policy := SLSAPolicy("github.com/slsa-framework/example-package", "", generatorIdentity)
	whole, err := verifier.VerifyBundleArtifactDigest(bundle, own, policy)
	if err != nil {
		t.Fatal(err)
	}
	got, err := verifier.VerifyRelease(bundle, []Digest{own, own, own}, policy)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d verifications", len(got))
	}
	for _, v := range got {
		if v.Identity != whole.Identity || v.LogIndex != whole.LogIndex ||
			v.MatchedDigest.String() != whole.MatchedDigest.String() || !bytes.Equal(v.Provenance, whole.Provenance) {
			t.Errorf("release verification %+v differs from %+v", v, whole)
		}
	}
	_, wholeErr := verifier.VerifyBundleArtifactDigest(bundle, foreign, policy)
	wantCode := asError(t, wholeErr, CodeArtifactDigestMismatch, true).Code
	_, err = verifier.VerifyRelease(bundle, []Digest{own, foreign, own}, policy)
	if e := asError(t, err, wantCode, true); !strings.HasPrefix(e.Detail, "artifact 1: ") {
		t.Errorf("detail %q", e.Detail)
	}
	_, err = verifier.VerifyRelease(bundle, nil, policy)
	asError(t, err, CodeInvalidParameter, false)
}
