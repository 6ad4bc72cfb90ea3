#!/usr/bin/env bash
# Long runs for fuzz/RESULTS.md: each target named on the command line for SECONDS_EACH
# seconds (default 600), logs in fuzz/logs/<target>.log. Not used by CI (see .ci/steps).
set -uo pipefail
cd "$(dirname "$0")"
secs=${SECONDS_EACH:-600}
for t in "$@"; do
  mkdir -p "corpus/$t" logs
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 \
    -print_final_stats=1 > "logs/$t.log" 2>&1
  echo "$t exit $?" >> logs/summary.txt
done
