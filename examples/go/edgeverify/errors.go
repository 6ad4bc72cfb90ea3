package edgeverify

import "errors"

// ErrDenied matches (with errors.Is) every error that means the evidence or the policy
// rejected the artifact: a bad signature, a log entry or proof that does not verify, a signer
// or provenance that is not the expected one, a malformed bundle. Do not run or install the
// artifact.
var ErrDenied = errors.New("edgeverify: denied")

// ErrUnavailable is returned by every verification when the package was built without cgo.
var ErrUnavailable = errors.New("edgeverify: not available (built without cgo)")

// ErrClosed is returned when a Verifier is used after Close.
var ErrClosed = errors.New("edgeverify: verifier is closed")

// Error is an error reported by libedgeverify: a stable numeric code (see Code) and a one-line
// detail naming the stage and the reason.
type Error struct {
	Code   Code
	Detail string
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return "edgeverify: " + e.Detail
	}
	return "edgeverify: " + e.Code.String()
}

// IsDenial reports whether the evidence or the policy said no. False means nothing was decided
// (a bad argument, an unreadable file, an unusable trust root, an internal error).
func (e *Error) IsDenial() bool { return e.Code.IsDenial() }

// Is makes errors.Is(err, ErrDenied) true for denials.
func (e *Error) Is(target error) bool { return target == ErrDenied && e.IsDenial() }

// Code is a libedgeverify result code (enum ev_result in edgeverify.h). Codes are stable:
// never renumbered or reused. Ranges: 1000-1999 call errors, 2000-2999 bundle, 3000-3999
// trust root, 4000-4999 transparency log and time, 5000-5999 certificate, signature and
// identity, 6000-6999 provenance, 7000-7999 trust-root update; 2xxx and 4xxx-7xxx are denials.
type Code uint32

// IsDenial reports whether the code means the evidence or the policy said no.
func (c Code) IsDenial() bool { return codeIsDenial(c) }

// String returns the library's one-line description of the code.
func (c Code) String() string { return codeMessage(c) }

// The result codes, equal to the EV_RESULT_* values of edgeverify.h (checked at compile time
// in the cgo build).
const (
	CodeOK                            Code = 0
	CodeNullParameter                 Code = 1000
	CodeInvalidParameter              Code = 1001
	CodeInsufficientSize              Code = 1002
	CodePanic                         Code = 1003
	CodeIO                            Code = 1004
	CodeNotPresent                    Code = 1005
	CodeUnexpectedError               Code = 1006
	CodeNotRepresentable              Code = 1007
	CodeBundleMalformedJSON           Code = 2000
	CodeBundleInvalid                 Code = 2001
	CodeBundleUnsupportedMediaType    Code = 2002
	CodeLimitExceeded                 Code = 2003
	CodeBundleUnsuitable              Code = 2004
	CodeDenied                        Code = 2005
	CodeImageEvidenceInvalid          Code = 2006
	CodeTrustRootMalformedJSON        Code = 3000
	CodeTrustRootInvalid              Code = 3001
	CodeTrustRootUnsupportedMediaType Code = 3002
	CodeTrustRootTooLarge             Code = 3003
	CodeTrustRootUpdateUnusable       Code = 3100
	CodeSETInvalid                    Code = 4000
	CodeInclusionProofInvalid         Code = 4001
	CodeCheckpointInvalid             Code = 4002
	CodeLogEntryMismatch              Code = 4003
	CodeUnsupportedLogEntryKind       Code = 4004
	CodeLogThresholdNotMet            Code = 4005
	CodeTimestampInvalid              Code = 4100
	CodeNoVerifiedTime                Code = 4101
	CodeCertificateInvalid            Code = 5000
	CodeCertificateChainInvalid       Code = 5001
	CodeSCTInvalid                    Code = 5002
	CodeSignatureInvalid              Code = 5100
	CodeArtifactDigestMismatch        Code = 5101
	CodeDSSEInvalid                   Code = 5102
	CodeUnsupportedAlgorithm          Code = 5103
	CodePublicKeyInvalid              Code = 5104
	CodeIdentityMismatch              Code = 5200
	CodeIssuerMismatch                Code = 5201
	CodeProvenanceRejected            Code = 6000
	CodeTrustRootUpdateRefused        Code = 7000
)
