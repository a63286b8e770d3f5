#!/usr/bin/env bash
# Creates (or reuses) the peer server's venv and installs requirements.txt beside this script into it,
# from the same package index as python/setup-venv.sh.
#
#   MLJ_PEER_VENV  venv directory (default: ~/.cache/mlj/peer-venv)
#   MLJ_PYTHON     interpreter that creates the venv (default: python3)
#
# Installs only when requirements.txt changed since the last successful install (a sha256 stamp).
# Prints the venv's python path as its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MLJ_PEER_VENV:-$HOME/.cache/mlj/peer-venv}"
requirements="$here/requirements.txt"
stamp="$venv/.mlj-peer-requirements.sha256"

if [ ! -x "$venv/bin/python" ]; then
  echo "setup-peer-venv: creating $venv" >&2
  "${MLJ_PYTHON:-python3}" -m venv "$venv"
fi

wanted="$(sha256sum "$requirements" | cut -d ' ' -f 1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "setup-peer-venv: installing $requirements (a fresh venv takes several minutes)" >&2
  "$venv/bin/python" -m pip install --quiet --retries 0 --disable-pip-version-check \
    --requirement "$requirements" >&2
  echo "$wanted" > "$stamp"
fi

echo "$venv/bin/python"
