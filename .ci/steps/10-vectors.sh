#!/usr/bin/env bash
# The attack vectors are generated from the conformance bundles by a checked-in script;
# regenerate them and fail if the committed files differ (so they can never drift by hand).
set -euo pipefail
python3 core/tests/data/attacks/generate.py
git diff --exit-code -- core/tests/data/attacks
test -z "$(git status --porcelain -- core/tests/data/attacks)"
