#!/usr/bin/env bash
# Prints the path of a binary or example that the README's test command
# (`cargo test --workspace --locked`) already built, so that a later step runs exactly that
# build instead of `cargo run -p …`. (A `-p` build unifies features over one package instead of
# the workspace, so cargo would compile a second copy of most dependencies: ~90 s per step on
# the 2-core CI machine.) Asking cargo again with --no-run is a no-op that lists the artifacts.
#
#   .ci/built.sh bin edgeverify-testinstance
#   .ci/built.sh example keadm_upgrade
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 bin|example NAME" >&2; exit 2; }
kind=$1 name=$2
cd "$(dirname "$0")/.."
cargo test --workspace --locked --no-run --message-format=json 2>/dev/null |
  python3 -c '
import json, sys
kind, name = sys.argv[1], sys.argv[2]
found = set()
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    t = m["target"]
    if t["name"] == name and kind in t["kind"] and not m["profile"]["test"]:
        found.add(m["executable"])
if len(found) != 1:
    sys.exit(f"built.sh: expected one {kind} named {name}, found {sorted(found)}")
print(found.pop())
' "$kind" "$name"
