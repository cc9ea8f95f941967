#!/usr/bin/env bash
# Build the documentation (HTML into docs/_build/html). Warnings are errors; the
# gallery runs every example in examples/. Needs the docs extra
# (tools/setup.sh installs it): pip install -c constraints.txt -e ".[docs]".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3
exec "$python" -m sphinx -W --keep-going -b html -j 1 docs "${1:-docs/_build/html}"
