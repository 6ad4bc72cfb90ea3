package edgeverify

import (
	"errors"
	"fmt"
	"os"
)

// VerifyUpgrade is the check an edge node runs on a new binary before it replaces the running
// one, as `keadm upgrade edge` would call it: after the new edgecore has been copied out of the
// installation-package image into its staging path, and before the old edgecore is stopped and
// the new one copied over it. A failed check leaves the old version running:
//
//	// keadm/cmd/keadm/app/cmd/edge/upgrade.go, (*upgradeExecutor).upgrade
//	if _, err := edgeverify.VerifyUpgrade(stagedEdgecore, provenancePath, policy); err != nil {
//		return fmt.Errorf("upgrade aborted: %w", err)
//	}
//	// ... KillKubeEdgeBinary, FileCopy, runEdgeCore ...
//
// For KubeEdge releases the provenance is the release's multiple.intoto.jsonl and the policy
// SLSAPolicy("github.com/kubeedge/kubeedge", "<tag>", ""), or, signer identity only,
// IdentityPolicy with the SLSA generator's workflow identity.
//
// The binary must be a regular file (not a symlink) that group and others cannot write, so it
// cannot change between this check and its use. It is verified against the embedded
// production trust root. errors.Is(err, ErrDenied) tells a rejected binary from a check that
// could not run; both must stop the upgrade.
func VerifyUpgrade(binaryPath, provenancePath string, policy Policy) (*Verification, error) {
	info, err := os.Lstat(binaryPath)
	if err != nil {
		return nil, fmt.Errorf("edgeverify: cannot check upgrade: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("edgeverify: cannot check upgrade: %s is not a regular file", binaryPath)
	}
	if info.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("edgeverify: cannot check upgrade: %s is writable by group or others",
			binaryPath)
	}
	v, err := VerifyFile(binaryPath, provenancePath, policy)
	if errors.Is(err, ErrDenied) {
		return nil, fmt.Errorf("upgrade binary %s rejected: %w", binaryPath, err)
	} else if err != nil {
		return nil, fmt.Errorf("upgrade binary %s not verified: %w", binaryPath, err)
	}
	return v, nil
}
