#!/usr/bin/env bash
# Runs the Python tests (pytest) in the project venv, creating or updating it first.
# Called by `mvn verify` (root pom, profile python-tests) and usable on its own.
set -euo pipefail
cd "$(dirname "$0")"
python_bin=$(bash setup-venv.sh | tail -n 1)
exec "$python_bin" -m pytest -q tests
