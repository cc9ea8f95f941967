#!/usr/bin/env bash
# CPU vs GPU speed-ups of the surrogate and contrastive binders and the norse engine, and the batched engine's
# GPU cases (gpu_check.json and gpu_check_batched.json to $OUT).
# Usage on a CUDA machine, from the repository root: OUT=/some/dir bash tools/gpu_check.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash tools/setup.sh
venv=${NEUROMEM_VENV:-.venv}
export NEUROMEM_CACHE_DIR=${NEUROMEM_CACHE_DIR:-$(mktemp -d)}
export OUT=${OUT:-$here}
timeout 540 env PYTHONPATH="$here" "$venv/bin/python" tools/gpu_check.py
