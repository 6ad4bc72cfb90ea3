//go:build cgo

package edgeverify

/*
#cgo pkg-config: edgeverify
#include <stdlib.h>
#include "edgeverify.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Verifier verifies bundles against one trust root. It is safe for concurrent use by many
// goroutines (the library's trust root is immutable and shared); Close releases it once no
// verification is running.
type Verifier struct {
	mu   sync.RWMutex
	root *C.struct_ev_trust_root
}

// NewVerifier returns a Verifier for the Sigstore public-good production trust root embedded
// in the library.
func NewVerifier() (*Verifier, error) {
	var root *C.struct_ev_trust_root
	if err := call(func() C.uint32_t { return C.ev_trust_root_embedded(&root) }); err != nil {
		return nil, err
	}
	return newVerifier(root), nil
}

// NewVerifierWithTrustRoot returns a Verifier for a pinned trusted_root.json (for example a
// private Sigstore deployment) or its compact CBOR form (`edgeverify trust-root compile`). The
// bytes are parsed and copied; the slice is not retained.
func NewVerifierWithTrustRoot(trustedRootJSON []byte) (*Verifier, error) {
	var root *C.struct_ev_trust_root
	ptr, n := bytesArg(trustedRootJSON)
	if err := call(func() C.uint32_t { return C.ev_trust_root_from_json(ptr, n, &root) }); err != nil {
		return nil, err
	}
	return newVerifier(root), nil
}

func newVerifier(root *C.struct_ev_trust_root) *Verifier {
	v := &Verifier{root: root}
	// A safety net only: callers should Close verifiers they no longer need.
	runtime.SetFinalizer(v, func(v *Verifier) { _ = v.Close() })
	return v
}

// Close releases the trust root. It waits for running verifications; later calls return
// ErrClosed. Closing twice is harmless.
func (v *Verifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	C.ev_trust_root_free(v.root)
	v.root = nil
	return nil
}

// TrustRootSHA256 returns the SHA-256 of exactly the trust-root bytes in use: the
// trusted_root.json or compact CBOR file given to NewVerifierWithTrustRoot (a CBOR file's own
// digest, not the JSON's it was compiled from), or the embedded root's pinned JSON. Compare it
// with a pinned value (the SHA-256 of the file as stored) or key caches on it.
func (v *Verifier) TrustRootSHA256() ([32]byte, error) {
	var sum [32]byte
	err := v.with(func(root *C.struct_ev_trust_root) error {
		return call(func() C.uint32_t {
			return C.ev_trust_root_sha256(root, (*C.uint8_t)(unsafe.Pointer(&sum[0])))
		})
	})
	return sum, err
}

// VerifyFile verifies the artifact at path with the Sigstore bundle at bundlePath (for
// example a release binary and its .intoto.jsonl provenance). The artifact is streamed from
// disk once, never read whole into memory, and hashed with every algorithm the bundle names
// it by; the bundle may be at most 4 MiB.
func (v *Verifier) VerifyFile(path, bundlePath string, p Policy) (*Verification, error) {
	cPath, err := cString(path, "artifact path")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cPath))
	cBundle, err := cString(bundlePath, "bundle path")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cBundle))
	return v.verify(p, func(root *C.struct_ev_trust_root, policy *C.struct_ev_policy,
		out **C.struct_ev_verification) C.uint32_t {
		return C.ev_verify_file(root, policy, cPath, cBundle, out)
	})
}

// VerifyBundle verifies a bundle (JSON) for an artifact held in memory. Both slices are read
// during the call only.
func (v *Verifier) VerifyBundle(bundle, artifact []byte, p Policy) (*Verification, error) {
	bPtr, bLen := bytesArg(bundle)
	aPtr, aLen := bytesArg(artifact)
	return v.verify(p, func(root *C.struct_ev_trust_root, policy *C.struct_ev_policy,
		out **C.struct_ev_verification) C.uint32_t {
		return C.ev_verify_bundle(root, policy, bPtr, bLen, aPtr, aLen, out)
	})
}

// VerifyBundleDigest verifies a bundle for an artifact known by its SHA-256 digest.
func (v *Verifier) VerifyBundleDigest(bundle []byte, sha256 [32]byte, p Policy) (*Verification, error) {
	bPtr, bLen := bytesArg(bundle)
	return v.verify(p, func(root *C.struct_ev_trust_root, policy *C.struct_ev_policy,
		out **C.struct_ev_verification) C.uint32_t {
		return C.ev_verify_bundle_digest(root, policy, bPtr, bLen,
			(*C.uint8_t)(unsafe.Pointer(&sha256[0])), out)
	})
}

// VerifyBundleArtifactDigest verifies a bundle for an artifact known by its digest in any
// supported algorithm (ParseDigest reads "sha512:<hex>"). The bundle must name the artifact in
// that algorithm: npm provenance names packages by SHA-512 only, a P-384 key signs SHA-384.
func (v *Verifier) VerifyBundleArtifactDigest(bundle []byte, d Digest, p Policy) (*Verification, error) {
	bPtr, bLen := bytesArg(bundle)
	dPtr, dLen := bytesArg(d.Value)
	return v.verify(p, func(root *C.struct_ev_trust_root, policy *C.struct_ev_policy,
		out **C.struct_ev_verification) C.uint32_t {
		return C.ev_verify_bundle_artifact_digest(root, policy, bPtr, bLen,
			C.uint32_t(d.Algorithm), dPtr, dLen, out)
	})
}

// VerifyRelease verifies one bundle for several artifacts known by their digests (a release:
// one provenance for keadm, edgecore, …). The bundle is verified once, for artifacts[0]; each
// further artifact repeats only the steps that depend on it (the in-toto subject match, and
// the SLSA policy), with the verdict VerifyBundleArtifactDigest would give it. It returns one
// Verification per artifact, in order, or the first artifact's error (its index in the
// Error's Detail); nothing is returned for the artifacts before a failure.
func (v *Verifier) VerifyRelease(bundle []byte, artifacts []Digest, p Policy) ([]*Verification, error) {
	if len(artifacts) == 0 {
		return nil, &Error{Code: CodeInvalidParameter, Detail: "artifacts: at least one digest is required"}
	}
	policy, err := p.build()
	if err != nil {
		return nil, err
	}
	defer C.ev_policy_free(policy)
	bPtr, bLen := bytesArg(bundle)
	var results []*Verification
	err = v.with(func(root *C.struct_ev_trust_root) error {
		var first *C.struct_ev_verification
		d := artifacts[0]
		dPtr, dLen := bytesArg(d.Value)
		if err := call(func() C.uint32_t {
			return C.ev_verify_bundle_artifact_digest(root, policy, bPtr, bLen,
				C.uint32_t(d.Algorithm), dPtr, dLen, &first)
		}); err != nil {
			return withArtifactIndex(err, 0)
		}
		defer C.ev_verification_free(first)
		for i, d := range artifacts {
			out := first
			if i > 0 {
				dPtr, dLen := bytesArg(d.Value)
				var again *C.struct_ev_verification
				if err := call(func() C.uint32_t {
					return C.ev_verification_for_artifact_digest(first, C.uint32_t(d.Algorithm),
						dPtr, dLen, &again)
				}); err != nil {
					return withArtifactIndex(err, i)
				}
				defer C.ev_verification_free(again)
				out = again
			}
			r, err := extract(out)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// withArtifactIndex says which artifact of a release an error is about.
func withArtifactIndex(err error, i int) error {
	var e *Error
	if errors.As(err, &e) {
		e.Detail = fmt.Sprintf("artifact %d: %s", i, e.Detail)
	}
	return err
}

// VerifyImageLayout verifies the container image whose manifest (or index) digest is image
// (SHA-256) from the OCI image layout directory layoutDir (cosign save, skopeo copy … oci:DIR),
// offline. With an identity or key policy, attestationType "" checks the image's signatures
// (cosign verify); otherwise its attestations of that type (cosign verify-attestation --type:
// "slsaprovenance", "slsaprovenance1", "spdx", …, a URI, or "any"). With an SLSA policy the
// image's provenance is checked with slsa-verifier verify-image semantics, and
// attestationType must be "".
func (v *Verifier) VerifyImageLayout(layoutDir string, image Digest, attestationType string, p Policy) (*Verification, error) {
	if image.Algorithm != SHA256 || len(image.Value) != 32 {
		return nil, &Error{Code: CodeInvalidParameter, Detail: "image: a SHA-256 digest is required, not " + image.String()}
	}
	cDir, err := cString(layoutDir, "layout directory")
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cDir))
	cType, err := optionalCString(attestationType, "attestation type")
	if err != nil {
		return nil, err
	}
	if cType != nil {
		defer C.free(unsafe.Pointer(cType))
	}
	digest := image.Value
	return v.verify(p, func(root *C.struct_ev_trust_root, policy *C.struct_ev_policy,
		out **C.struct_ev_verification) C.uint32_t {
		return C.ev_verify_image_layout(root, policy, cDir,
			(*C.uint8_t)(unsafe.Pointer(&digest[0])), cType, out)
	})
}

// VerifyImageInStore verifies the image from an evidence store: the directory storeDir holds
// one OCI image layout per image, named sha256-<64 hex> after the image digest (the layout
// edgeverify containerd-verifier reads). Otherwise as VerifyImageLayout.
func (v *Verifier) VerifyImageInStore(storeDir string, image Digest, attestationType string, p Policy) (*Verification, error) {
	return v.VerifyImageLayout(ImageStorePath(storeDir, image), image, attestationType, p)
}

type verifyFunc func(*C.struct_ev_trust_root, *C.struct_ev_policy, **C.struct_ev_verification) C.uint32_t

func (v *Verifier) verify(p Policy, f verifyFunc) (*Verification, error) {
	policy, err := p.build()
	if err != nil {
		return nil, err
	}
	defer C.ev_policy_free(policy)
	var result *Verification
	err = v.with(func(root *C.struct_ev_trust_root) error {
		var out *C.struct_ev_verification
		if err := call(func() C.uint32_t { return f(root, policy, &out) }); err != nil {
			return err
		}
		defer C.ev_verification_free(out)
		var err error
		result, err = extract(out)
		return err
	})
	return result, err
}

// with runs f with the trust root, holding it open.
func (v *Verifier) with(f func(*C.struct_ev_trust_root) error) error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.root == nil {
		return ErrClosed
	}
	return f(v.root)
}

// build makes the library's policy object; the caller frees it.
func (p Policy) build() (*C.struct_ev_policy, error) {
	var out *C.struct_ev_policy
	switch p.kind {
	case policyIdentity:
		identity, err := cString(p.identity.value, "identity")
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(identity))
		issuer, err := cString(p.issuer.value, "OIDC issuer")
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(issuer))
		identityMatch, issuerMatch := p.identity.kind(), p.issuer.kind()
		return out, call(func() C.uint32_t {
			return C.ev_policy_new_identity_matching(identity, identityMatch, issuer, issuerMatch, &out)
		})
	case policySLSA:
		source, err := cString(p.sourceURI, "source URI")
		if err != nil {
			return nil, err
		}
		defer C.free(unsafe.Pointer(source))
		var opts [4]*C.char // tag, versioned tag, branch, builder ID
		for i, field := range []struct{ value, name string }{
			{p.slsa.Tag, "source tag"}, {p.slsa.VersionedTag, "source versioned tag"},
			{p.slsa.Branch, "source branch"}, {p.slsa.BuilderID, "builder ID"},
		} {
			if opts[i], err = optionalCString(field.value, field.name); err != nil {
				return nil, err
			}
			defer C.free(unsafe.Pointer(opts[i]))
		}
		return out, call(func() C.uint32_t {
			return C.ev_policy_new_slsa_with_options(source, opts[0], opts[1], opts[2], opts[3], &out)
		})
	case policyPublicKey:
		ptr, n := bytesArg(p.publicKeyPEM)
		return out, call(func() C.uint32_t { return C.ev_policy_new_public_key(ptr, n, &out) })
	default:
		return nil, &Error{Code: CodeInvalidParameter,
			Detail: "empty Policy: use IdentityPolicy, SLSAPolicy or PublicKeyPolicy"}
	}
}

// kind is the C API's EV_MATCH_* constant for m.
func (m Matcher) kind() C.uint32_t {
	if m.regex {
		return C.EV_MATCH_REGEX
	}
	return C.EV_MATCH_EXACT
}

// extract copies everything out of a verification into Go memory.
func extract(v *C.struct_ev_verification) (*Verification, error) {
	out := &Verification{}
	var err error
	if out.Identity, err = stringAccessor(func(buf *C.char, n C.size_t, outN *C.size_t) C.uint32_t {
		return C.ev_verification_identity(v, buf, n, outN)
	}); err != nil {
		return nil, err
	}
	if out.Issuer, err = stringAccessor(func(buf *C.char, n C.size_t, outN *C.size_t) C.uint32_t {
		return C.ev_verification_issuer(v, buf, n, outN)
	}); err != nil {
		return nil, err
	}
	var t C.uint64_t
	if err := optional(call(func() C.uint32_t { return C.ev_verification_integrated_time(v, &t) })); err != nil {
		return nil, err
	} else if t != 0 {
		out.IntegratedTime = time.Unix(int64(t), 0).UTC()
	}
	var times [C.EV_MAX_VERIFIED_TIMES]C.uint64_t
	var n C.size_t
	if err := call(func() C.uint32_t {
		return C.ev_verification_verified_times(v, &times[0], C.size_t(len(times)), &n)
	}); err != nil {
		return nil, err
	}
	for _, t := range times[:n] {
		out.VerifiedTimes = append(out.VerifiedTimes, time.Unix(int64(t), 0).UTC())
	}
	var index C.uint64_t
	if err := optional(call(func() C.uint32_t { return C.ev_verification_log_index(v, &index) })); err != nil {
		return nil, err
	}
	out.LogIndex = uint64(index)
	if err := optional(call(func() C.uint32_t {
		return C.ev_verification_artifact_sha256(v, (*C.uint8_t)(unsafe.Pointer(&out.ArtifactSHA256[0])))
	})); err != nil {
		return nil, err
	}
	var digest [C.EV_MAX_DIGEST_LEN]byte
	var alg C.uint32_t
	var digestLen C.size_t
	if err := call(func() C.uint32_t {
		return C.ev_verification_matched_digest(v, &alg, (*C.uint8_t)(unsafe.Pointer(&digest[0])),
			C.size_t(len(digest)), &digestLen)
	}); err != nil {
		return nil, err
	}
	out.MatchedDigest = Digest{Algorithm: HashAlgorithm(alg), Value: append([]byte(nil), digest[:digestLen]...)}
	if out.Statement, err = bytesAccessor(func(p **C.uint8_t, n *C.size_t) C.uint32_t {
		return C.ev_verification_statement(v, p, n)
	}); err != nil {
		return nil, err
	}
	if out.Provenance, err = bytesAccessor(func(p **C.uint8_t, n *C.size_t) C.uint32_t {
		return C.ev_verification_provenance(v, p, n)
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// stringAccessor reads a string accessor, growing the buffer as needed; "" if not present.
func stringAccessor(f func(*C.char, C.size_t, *C.size_t) C.uint32_t) (string, error) {
	for size := 256; size <= 1<<20; size *= 4 {
		buf := make([]byte, size)
		var n C.size_t
		err := call(func() C.uint32_t { return f((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(size), &n) })
		if e, ok := err.(*Error); ok && e.Code == CodeInsufficientSize {
			continue
		}
		if err := optional(err); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", &Error{Code: CodeInsufficientSize, Detail: "value larger than 1 MiB"}
}

// bytesAccessor copies bytes lent by the verification; nil if not present.
func bytesAccessor(f func(**C.uint8_t, *C.size_t) C.uint32_t) ([]byte, error) {
	var p *C.uint8_t
	var n C.size_t
	if err := call(func() C.uint32_t { return f(&p, &n) }); err != nil {
		return nil, optional(err)
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n)), nil
}

// optional turns "not present" into no error.
func optional(err error) error {
	if e, ok := err.(*Error); ok && e.Code == CodeNotPresent {
		return nil
	}
	return err
}

// call runs one library call and, if it fails, reads its detail. The detail is kept per OS
// thread, so the goroutine stays on its thread for both calls.
func call(f func() C.uint32_t) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	rc := f()
	if rc == C.EV_RESULT_OK {
		return nil
	}
	var buf [1024]byte
	var n C.size_t
	C.ev_last_error_detail((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
	return &Error{Code: Code(rc), Detail: string(buf[:n])}
}

// zero gives empty slices a valid address: the library refuses NULL buffers.
var zero [1]byte

func bytesArg(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(&zero[0])), 0
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// cString copies s to C memory (free it with C.free). A NUL byte would silently cut the string
// short in C, changing its meaning, so it is refused.
func cString(s, what string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, &Error{Code: CodeInvalidParameter, Detail: what + " contains a NUL byte"}
	}
	return C.CString(s), nil
}

// optionalCString is cString, with "" meaning NULL (not given).
func optionalCString(s, what string) (*C.char, error) {
	if s == "" {
		return nil, nil
	}
	return cString(s, what)
}

func codeIsDenial(c Code) bool { return bool(C.ev_result_is_denial(C.uint32_t(c))) }

func codeMessage(c Code) string {
	var buf [256]byte
	var n C.size_t
	C.ev_result_message(C.uint32_t(c), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &n)
	return string(buf[:n])
}

var defaultVerifier struct {
	once sync.Once
	v    *Verifier
	err  error
}

// DefaultVerifier returns the process-wide Verifier for the embedded production trust root,
// created on first use and never closed.
func DefaultVerifier() (*Verifier, error) {
	defaultVerifier.once.Do(func() {
		defaultVerifier.v, defaultVerifier.err = NewVerifier()
	})
	return defaultVerifier.v, defaultVerifier.err
}

// VerifyFile verifies the artifact at path with the bundle at bundlePath against the embedded
// production trust root (DefaultVerifier).
func VerifyFile(path, bundlePath string, p Policy) (*Verification, error) {
	v, err := DefaultVerifier()
	if err != nil {
		return nil, err
	}
	return v.VerifyFile(path, bundlePath, p)
}

// Each Code constant equals the header's EV_RESULT_* value: a difference would make an index
// below out of range (or overflow), which does not compile.
var (
	_ = [1]struct{}{}[SHA256-C.EV_HASH_SHA256]
	_ = [1]struct{}{}[SHA384-C.EV_HASH_SHA384]
	_ = [1]struct{}{}[SHA512-C.EV_HASH_SHA512]
	_ = [1]struct{}{}[CodeOK-C.EV_RESULT_OK]
	_ = [1]struct{}{}[CodeNullParameter-C.EV_RESULT_NULL_PARAMETER]
	_ = [1]struct{}{}[CodeInvalidParameter-C.EV_RESULT_INVALID_PARAMETER]
	_ = [1]struct{}{}[CodeInsufficientSize-C.EV_RESULT_INSUFFICIENT_SIZE]
	_ = [1]struct{}{}[CodePanic-C.EV_RESULT_PANIC]
	_ = [1]struct{}{}[CodeIO-C.EV_RESULT_IO]
	_ = [1]struct{}{}[CodeNotPresent-C.EV_RESULT_NOT_PRESENT]
	_ = [1]struct{}{}[CodeUnexpectedError-C.EV_RESULT_UNEXPECTED_ERROR]
	_ = [1]struct{}{}[CodeNotRepresentable-C.EV_RESULT_NOT_REPRESENTABLE]
	_ = [1]struct{}{}[CodeBundleMalformedJSON-C.EV_RESULT_BUNDLE_MALFORMED_JSON]
	_ = [1]struct{}{}[CodeBundleInvalid-C.EV_RESULT_BUNDLE_INVALID]
	_ = [1]struct{}{}[CodeBundleUnsupportedMediaType-C.EV_RESULT_BUNDLE_UNSUPPORTED_MEDIA_TYPE]
	_ = [1]struct{}{}[CodeLimitExceeded-C.EV_RESULT_LIMIT_EXCEEDED]
	_ = [1]struct{}{}[CodeBundleUnsuitable-C.EV_RESULT_BUNDLE_UNSUITABLE]
	_ = [1]struct{}{}[CodeDenied-C.EV_RESULT_DENIED]
	_ = [1]struct{}{}[CodeImageEvidenceInvalid-C.EV_RESULT_IMAGE_EVIDENCE_INVALID]
	_ = [1]struct{}{}[CodeTrustRootMalformedJSON-C.EV_RESULT_TRUST_ROOT_MALFORMED_JSON]
	_ = [1]struct{}{}[CodeTrustRootInvalid-C.EV_RESULT_TRUST_ROOT_INVALID]
	_ = [1]struct{}{}[CodeTrustRootUnsupportedMediaType-C.EV_RESULT_TRUST_ROOT_UNSUPPORTED_MEDIA_TYPE]
	_ = [1]struct{}{}[CodeTrustRootTooLarge-C.EV_RESULT_TRUST_ROOT_TOO_LARGE]
	_ = [1]struct{}{}[CodeTrustRootUpdateUnusable-C.EV_RESULT_TRUST_ROOT_UPDATE_UNUSABLE]
	_ = [1]struct{}{}[CodeSETInvalid-C.EV_RESULT_SET_INVALID]
	_ = [1]struct{}{}[CodeInclusionProofInvalid-C.EV_RESULT_INCLUSION_PROOF_INVALID]
	_ = [1]struct{}{}[CodeCheckpointInvalid-C.EV_RESULT_CHECKPOINT_INVALID]
	_ = [1]struct{}{}[CodeLogEntryMismatch-C.EV_RESULT_LOG_ENTRY_MISMATCH]
	_ = [1]struct{}{}[CodeUnsupportedLogEntryKind-C.EV_RESULT_UNSUPPORTED_LOG_ENTRY_KIND]
	_ = [1]struct{}{}[CodeLogThresholdNotMet-C.EV_RESULT_LOG_THRESHOLD_NOT_MET]
	_ = [1]struct{}{}[CodeTimestampInvalid-C.EV_RESULT_TIMESTAMP_INVALID]
	_ = [1]struct{}{}[CodeNoVerifiedTime-C.EV_RESULT_NO_VERIFIED_TIME]
	_ = [1]struct{}{}[CodeCertificateInvalid-C.EV_RESULT_CERTIFICATE_INVALID]
	_ = [1]struct{}{}[CodeCertificateChainInvalid-C.EV_RESULT_CERTIFICATE_CHAIN_INVALID]
	_ = [1]struct{}{}[CodeSCTInvalid-C.EV_RESULT_SCT_INVALID]
	_ = [1]struct{}{}[CodeSignatureInvalid-C.EV_RESULT_SIGNATURE_INVALID]
	_ = [1]struct{}{}[CodeArtifactDigestMismatch-C.EV_RESULT_ARTIFACT_DIGEST_MISMATCH]
	_ = [1]struct{}{}[CodeDSSEInvalid-C.EV_RESULT_DSSE_INVALID]
	_ = [1]struct{}{}[CodeUnsupportedAlgorithm-C.EV_RESULT_UNSUPPORTED_ALGORITHM]
	_ = [1]struct{}{}[CodePublicKeyInvalid-C.EV_RESULT_PUBLIC_KEY_INVALID]
	_ = [1]struct{}{}[CodeIdentityMismatch-C.EV_RESULT_IDENTITY_MISMATCH]
	_ = [1]struct{}{}[CodeIssuerMismatch-C.EV_RESULT_ISSUER_MISMATCH]
	_ = [1]struct{}{}[CodeProvenanceRejected-C.EV_RESULT_PROVENANCE_REJECTED]
	_ = [1]struct{}{}[CodeTrustRootUpdateRefused-C.EV_RESULT_TRUST_ROOT_UPDATE_REFUSED]
)
