#!/usr/bin/env bash
# tools/readme-sizes.sh README TOLERANCE_PERCENT NAME BYTES [NAME BYTES ...]
# Checks that README's table row "| `NAME` | X MiB …" states a size within TOLERANCE_PERCENT
# of BYTES (what the size step just measured). Prints the fix and fails when it does not.
# Used by tools/size-check.sh for ffi/README.md.
set -euo pipefail
readme=$1 tol=$2
shift 2
status=0
while [ $# -ge 2 ]; do
  name=$1 bytes=$2
  shift 2
  stated=$(grep -m1 -F "| \`$name\` |" "$readme" | sed -n 's/^| `[^`]*` | \([0-9][0-9.]*\) MiB.*/\1/p')
  measured=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')
  if [ -z "$stated" ]; then
    echo "$readme: no row \"| \`$name\` | <size> MiB\" (measured $measured MiB)" >&2
    status=1
    continue
  fi
  if awk -v s="$stated" -v b="$bytes" -v t="$tol" 'BEGIN{m=b/1048576; d=(s>m)?s-m:m-s; exit !(d*100>t*m)}'; then
    echo "$readme: $name stated $stated MiB, measured $measured MiB (more than $tol % apart): update the README" >&2
    status=1
  else
    echo "$readme: $name $stated MiB stated, $measured MiB measured (within $tol %)"
  fi
done
exit $status
