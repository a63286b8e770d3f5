#!/usr/bin/env bash
# Creates (or reuses) the mlj Python venv and installs requirements.txt into it.
#
#   MLJ_VENV     venv directory (default: ~/.cache/mlj/venv)
#   MLJ_PYTHON   interpreter that creates the venv (default: python3; tensorflow-cpu 2.21 needs 3.9-3.13)
#
# Requirements are installed only when requirements.txt changed since the last successful install
# (a sha256 stamp inside the venv), so a repeat run is quiet and takes no time. pip runs with
# --retries 0 so that an unreachable default index fails fast while a configured mirror serves.
# Prints the venv's python path as its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${MLJ_VENV:-$HOME/.cache/mlj/venv}"
requirements="$here/requirements.txt"
stamp="$venv/.mlj-requirements.sha256"

if [ ! -x "$venv/bin/python" ]; then
  echo "setup-venv: creating $venv" >&2
  "${MLJ_PYTHON:-python3}" -m venv "$venv"
fi

wanted="$(sha256sum "$requirements" | cut -d ' ' -f 1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "setup-venv: installing $requirements (a fresh venv takes several minutes)" >&2
  "$venv/bin/python" -m pip install --quiet --retries 0 --disable-pip-version-check \
    --requirement "$requirements" >&2
  echo "$wanted" > "$stamp"
fi

echo "$venv/bin/python"
