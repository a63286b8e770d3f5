#!/usr/bin/env bash
# Checks the TensorSpace exports of the example bundles: TensorFlow.js 4.22 and 1.7.4 in Node
# (tfjs-export.test.mjs, tfjs1-export.test.mjs) and TensorSpace 0.6.1 in headless Chromium
# (tensorspace-view.test.mjs; skipped without chromium).
# Called by `mvn verify` (root pom, profile python-tests) and usable on its own.
# Installs the pinned npm packages (package-lock.json) with `npm ci` when the lock file changed since
# the last install (a sha256 stamp in node_modules); after that it runs offline.
set -euo pipefail
cd "$(dirname "$0")"

stamp=node_modules/.mlj-package-lock.sha256
wanted="$(sha256sum package-lock.json | cut -d ' ' -f 1)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$wanted" ]; then
  echo "tensorspace-test: npm ci" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  echo "$wanted" > "$stamp"
fi
exec node --test tfjs-export.test.mjs tfjs1-export.test.mjs tensorspace-view.test.mjs
