#!/usr/bin/env bash
# The full native mutation campaign: MUTANTS (default 1000) damaged copies per format (.keras, .h5,
# SavedModel, bundle) of models/mnist_cnn, each loaded in a child JVM with a 60 s timeout. Prints the
# figures (also in mlj-parity-tests/target/mutation/report.txt); crashing or hanging mutants are kept
# in mlj-parity-tests/target/mutation/findings/. 1000 per format took about 4 minutes on 2 cores.
#   mlj-parity-tests/mutation-campaign.sh [MUTANTS] [SEED]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -Dmlj.skipPython verify -pl mlj-parity-tests -am -Dtest=NativeMutationTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmlj.mutants="${1:-1000}" -Dmlj.mutationSeed="${2:-17}" || status=$?
cat mlj-parity-tests/target/mutation/report.txt
exit "${status:-0}"
