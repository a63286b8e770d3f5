#!/usr/bin/env bash
# Regenerates everything the Python side produces for the repository:
#   models/mnist_ffnn, models/mnist_cnn, models/imdb_lstm   (trained example bundles, each with
#     tensorspace/: the TensorFlow.js layers-model checked by python/tensorspace-test)
#   models/tf1_learning_phase, dtypes_echo, unsupported_gru, keras2_ffnn   (test fixtures)
#   models/zoo/*   (the layer zoo: small bundles covering the supported-layers table)
#   samples/digits/*.png, samples/reviews.json   (inputs for the Java example apps)
# Deterministic: fixed seeds, fixed data splits (see python/mlj_export/data.py).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="$(bash "$here/setup-venv.sh" | tail -n 1)"

cd "$here"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
"$python" -m mlj_export train --out "$root/models"
"$python" -m mlj_export fixtures --out "$root/models"
"$python" -m mlj_export zoo --out "$root/models/zoo"
"$python" -m mlj_export legacy --out "$root/models/legacy"
"$python" -m mlj_export samples --out "$root/samples"
du -sh "$root"/models/* "$root/samples"
du -sh "$root/models"
