#!/usr/bin/env bash
# Runs the Jazzer fuzz tests as a real fuzzing campaign (coverage-guided, JAZZER_FUZZ=1), one target
# after the other, each for DURATION (default 5m). A finding makes the target fail; Jazzer writes the
# crashing input into the test's Inputs directory under src/test/resources, where `mvn verify` replays
# it from then on: fix the code, keep the input. The corpus Jazzer grows lives in .cifuzz-corpus/.
#   fuzz/run-campaign.sh [DURATION] [TARGET...]     e.g. fuzz/run-campaign.sh 2m ParsersFuzzTest#npy
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-5m}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(
    mlj-api:ParsersFuzzTest#detectFormat mlj-api:ParsersFuzzTest#npy mlj-api:ParsersFuzzTest#manifest
    mlj-api:ParsersFuzzTest#tokenizer
    mlj-dl4j:KerasFilesFuzzTest#kerasZip mlj-dl4j:KerasFilesFuzzTest#hdf5 mlj-dl4j:KerasFilesFuzzTest#kerasConfig
  )
fi
export JAZZER_FUZZ=1 OMP_NUM_THREADS=1
# Instrument mlj and the parsers it relies on, not the native-backed libraries around them.
export JAZZER_INSTRUMENTATION_INCLUDES="org.mlj.**:io.jhdf.**:com.fasterxml.jackson.**:java.util.zip.**"
export JAZZER_MAX_DURATION="$duration"
failed=()
for target in "${targets[@]}"; do
  module="${target%%:*}"
  test="${target#*:}"
  [[ "$module" == "$target" ]] && module="$([[ "$test" == KerasFiles* ]] && echo mlj-dl4j || echo mlj-api)"
  echo "== $module $test for $duration"
  if ! (cd "$root" && mvn -B -q -Dmlj.skipPython test -pl "$module" -am -Dtest="$test" \
        -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="$duration"); then
    failed+=("$target")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "findings in: ${failed[*]} (crashing inputs are under src/test/resources/**/*FuzzTestInputs/)" >&2
  exit 1
fi
echo "no findings in ${#targets[@]} targets × $duration"
