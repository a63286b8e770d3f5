#!/usr/bin/env bash
# Concurrency and load/close cycles at the issue's scale, on both backends:
#  - ConcurrentPredictionTest: 8 threads x CALLS (default 100000) predictions each, batch sizes 1-13,
#    on MODELS (default mnist_ffnn; mnist_cnn on dl4j would take ~25 min at this scale), every output compared bit for bit with the sequential
#    output of its input;
#  - LoadCloseCycleTest: CYCLES (default 1000) load/predict/close cycles of models/mnist_cnn in a child
#    JVM, RSS after the last cycles within 50 MB of RSS after the warm-up.
# Prints the figures (also in mlj-parity-tests/target/scale/). See the README's Security section for
# the last run's figures and how long it took.
#   mlj-parity-tests/concurrency-campaign.sh [CALLS] [CYCLES] [MODELS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rm -rf mlj-parity-tests/target/scale
start=$SECONDS
mvn -B -q -Dmlj.skipPython verify -pl mlj-parity-tests -am \
  -Dtest='ConcurrentPredictionTest#concurrentResultsAreBitIdenticalToSequential,LoadCloseCycleTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmlj.concurrency.calls="${1:-100000}" -Dmlj.cycles.count="${2:-1000}" -Dmlj.concurrency.models="${3:-mnist_ffnn}" || status=$?
cat mlj-parity-tests/target/scale/concurrency-report.txt mlj-parity-tests/target/scale/cycles-report.txt 2>/dev/null || true
echo "campaign wall time: $((SECONDS - start)) s (build included)"
exit "${status:-0}"
