#!/usr/bin/env bash
# tools/size-check.sh — the size budget: the stripped `edgeverify` built with the `dist`
# profile must be at most 2 MiB (goal 1.5 MiB) on x86_64 and aarch64. Prints a Markdown table
# of the sizes (the binary, and libedgeverify.a from the release profile) and fails above the
# budget.
#
#   bash tools/size-check.sh                     x86_64 (rustup's cargo)
#   bash tools/size-check.sh aarch64-unknown-linux-gnu ...   also these targets (Debian's
#                                                rustc-web; tools/cross/setup.sh exports)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# 2 MiB until 2026-12-05; raised when the hardened gate (issue 14), the TUF client and its
# commands (issue 13) and image verification (issue 16) took the binary past it. README
# "Footprint" has the figures and the levers still open (issue 17).
# Lowered to 2 MiB again on 2026-12-05 (issue 17: "the size budget in CI is lowered to what is
# reached"): clap → lexopt took the x86_64 binary from 2,264,888 to 2,081,464 B (cargo build
# --profile dist; this script's build, with identical code folding, is ~38 KB smaller).
BUDGET=$((2 * 1024 * 1024))
GOAL=$((3 * 512 * 1024))
fail=0
row() { # target, path
  local size; size=$(stat -c %s "$2")
  local verdict="within budget"
  [ "$size" -gt "$GOAL" ] && verdict="within budget, above the 1.5 MiB goal"
  if [ "$size" -gt "$BUDGET" ]; then verdict="OVER the 2 MiB budget"; fail=1; fi
  printf '| `edgeverify` (dist, stripped) | %s | %s B (%.2f MiB) | %s |\n' "$1" "$size" "$(awk -v s="$size" 'BEGIN{print s/1048576}')" "$verdict"
}
# The binaries come from tools/cross/build.sh, the one recipe for them (the packaging step
# reuses them from the same target directories).
host_bin=$(bash tools/cross/build.sh x86_64-unknown-linux-gnu)
cargo build --quiet --locked --release -p edgeverify-ffi
echo "| artifact | target | size | |"
echo "|---|---|---|---|"
row x86_64-unknown-linux-gnu "$host_bin"
for T in "$@"; do
  bin=$(bash tools/cross/build.sh "$T")
  row "$T" "$bin"
done
a=$(stat -c %s target/release/libedgeverify.a)
printf '| `libedgeverify.a` (release) | x86_64-unknown-linux-gnu | %s B (%.2f MiB) | static archive incl. the Rust std objects; not budgeted |\n' "$a" "$(awk -v s="$a" 'BEGIN{print s/1048576}')"
so=$(stat -c %s target/release/libedgeverify.so)
printf '| `libedgeverify.so` (release) | x86_64-unknown-linux-gnu | %s B (%.2f MiB) | not budgeted |\n' "$so" "$(awk -v s="$so" 'BEGIN{print s/1048576}')"
# ffi/README.md states these two sizes ("| `libedgeverify.a` | 43.0 MiB …"); they must be
# within README_TOLERANCE_PERCENT of what was just built, or the README is stale.
README_TOLERANCE_PERCENT=10
bash tools/readme-sizes.sh ffi/README.md "$README_TOLERANCE_PERCENT" \
  libedgeverify.a "$a" libedgeverify.so "$so" || fail=1
[ $fail -eq 0 ] || { echo "size budget exceeded or ffi/README.md sizes stale" >&2; exit 1; }
