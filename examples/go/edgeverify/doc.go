// Package edgeverify verifies Sigstore bundles and SLSA provenance offline, through the C
// library libedgeverify (the Rust verifier in ffi/, linked statically with cgo).
//
// Verification needs no network and no clock: a pinned trust root (the Sigstore public-good
// root is embedded in the library), the artifact, its bundle and a Policy go in; a
// *Verification or an error comes out. Errors distinguish a denial (the evidence or the
// policy said no: errors.Is(err, ErrDenied)) from a failure to decide (unreadable file,
// invalid argument, unusable trust root). Either way only a nil error means "verified".
//
//	v, err := edgeverify.VerifyFile("edgecore", "edgecore.intoto.jsonl",
//		edgeverify.IdentityPolicy(
//			"https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
//			"https://token.actions.githubusercontent.com"))
//	switch {
//	case err == nil:
//		log.Printf("signed by %s at %v", v.Identity, v.IntegratedTime)
//	case errors.Is(err, edgeverify.ErrDenied):
//		log.Printf("refusing untrusted binary: %v", err)
//	default:
//		log.Printf("could not verify: %v", err)
//	}
//
// Building: the package uses `#cgo pkg-config: edgeverify`. Build the library and write its
// pkg-config file, then point PKG_CONFIG_PATH at it (see examples/go/README.md):
//
//	cargo build --release -p edgeverify-ffi
//	mkdir -p target/release/pkgconfig
//	ffi/pkg-config.sh target/release > target/release/pkgconfig/edgeverify.pc
//	PKG_CONFIG_PATH=$PWD/target/release/pkgconfig go build ./...
//
// Without cgo (CGO_ENABLED=0) the package still builds; every verification then returns
// ErrUnavailable.
package edgeverify
