#!/bin/bash
# usage: results-19/run_stream.sh DATASET PRESET SEED... (one run per seed, in order; logs beside)
ds=$1; preset=$2; shift 2
for s in "$@"; do
  [ -f "results-19/$ds-$preset/seed_$s/metrics.json" ] && continue
  ( time results-19/run_seed.sh "$ds" "$preset" "$s" ) > "results-19/log-$ds-$preset-$s.txt" 2>&1
done
