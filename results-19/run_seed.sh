#!/bin/bash
# usage: results-19/run_seed.sh DATASET PRESET SEEDS  -> results-19/<dataset>-<preset>/
cd "$(dirname "$0")/.." && export PYTHONPATH=$PWD NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
nice -n 5 .venv/bin/neuromem run engram-formation --dataset "$1" --preset "$2" --fit-concepts 0.5 \
  --config results-19/engram.toml $EXTRA --seeds "$3" --quiet --no-figures --out "results-19/$1-$2/seed_$3"
