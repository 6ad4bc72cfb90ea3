"""sigstore-python (PyPI `sigstore`) behind the comparison protocol, offline (the trusted root
comes from a file; nothing is fetched):
python harness.py once|warm N TRUSTED_ROOT BUNDLE ARTIFACT IDENTITY ISSUER"""
import hashlib
import json
import sys
import time

from sigstore.models import Bundle, TrustedRoot
from sigstore.verify import Verifier
from sigstore.verify.policy import Identity

mode, n, root_path, bundle_path, artifact_path, identity, issuer = sys.argv[1:8]
verifier = Verifier(trusted_root=TrustedRoot.from_file(root_path))
bundle_text = open(bundle_path, "rb").read()
artifact = open(artifact_path, "rb").read()
policy = Identity(identity=identity, issuer=issuer)


def once():
    bundle = Bundle.from_json(bundle_text)
    if bundle._dsse_envelope is not None:
        # verify_artifact refuses DSSE bundles; verify_dsse checks everything but the
        # subject, which is compared here as the other verifiers do.
        _, payload = verifier.verify_dsse(bundle, policy)
        digest = hashlib.sha256(artifact).hexdigest()
        subjects = json.loads(payload).get("subject", [])
        if not any(s.get("digest", {}).get("sha256") == digest for s in subjects):
            raise ValueError("artifact does not match the statement's subjects")
    else:
        verifier.verify_artifact(artifact, bundle, policy)


if mode == "once":
    try:
        once()
    except Exception as e:  # the verdict is the exit code
        print(e, file=sys.stderr)
        sys.exit(1)
    sys.exit(0)
for _ in range(3):
    once()
times = []
for _ in range(int(n)):
    t = time.perf_counter()
    once()
    times.append((time.perf_counter() - t) * 1e6)
times.sort()
print(f"median_us={times[len(times) // 2]:.1f}")
