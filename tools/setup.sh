#!/usr/bin/env bash
# Set up neuromem on a fresh machine: Debian assets (when root), a virtualenv
# in .venv, and every Python dependency pinned through constraints.txt.
# Idempotent: a second run only checks and returns in seconds.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
venv=${NEUROMEM_VENV:-.venv}
debs=(espeak-ng dataset-fashion-mnist wordnet-base wordnet-sense-index)

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "neuromem setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "neuromem setup: Debian packages missing: ${missing[*]}" >&2
    echo "  install them with: sudo apt-get install ${missing[*]}" >&2
    echo "  (continuing: features that need them will say so when used)" >&2
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "neuromem setup: creating virtualenv $venv"
  python3 -m venv "$venv"
fi
stamp="$venv/.neuromem-installed"
want=$(cat setup.cfg constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "neuromem setup: installing Python dependencies (about 2 minutes on a fresh machine)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -c constraints.txt -e ".[all,test,docs]"
  echo "$want" > "$stamp"
fi
echo "neuromem setup: ready ($venv)"
