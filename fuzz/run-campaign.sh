#!/usr/bin/env bash
# Runs the Jazzer fuzz tests as a real fuzzing campaign (coverage-guided, JAZZER_FUZZ=1), one target
# after the other, each for DURATION (default 5m). A finding makes the target fail; Jazzer writes the
# crashing input into the test's Inputs directory under src/test/resources, where `mvn verify` replays
# it from then on: fix the code, keep the input. The corpus Jazzer grows lives in .cifuzz-corpus/.
# A TARGET is MODULE:CLASS#METHOD (one @FuzzTest; Jazzer fuzzes one per JVM). Prints each target's
# runs and seconds; the full output is kept in target/fuzz-campaign/.
#   fuzz/run-campaign.sh [DURATION] [TARGET...]     e.g. fuzz/run-campaign.sh 2m mlj-api:ParsersFuzzTest#npy
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
    mlj-tensorflow:TensorFlowFilesFuzzTest#frozenGraph mlj-tensorflow:TensorFlowFilesFuzzTest#savedModel
    mlj-serving:DecoderFuzzTest#tfServingPredict mlj-serving:DecoderFuzzTest#tfServingClassify
    mlj-serving:DecoderFuzzTest#oipInfer mlj-serving:DecoderFuzzTest#base64 mlj-serving:DecoderFuzzTest#textFormatConfig
  )
fi
export JAZZER_FUZZ=1 OMP_NUM_THREADS=1
# Instrument mlj and the parsers it relies on, not the native-backed libraries around them.
export JAZZER_INSTRUMENTATION_INCLUDES="org.mlj.**:io.jhdf.**:com.fasterxml.jackson.**:java.util.zip.**:java.util.Base64*"
export JAZZER_MAX_DURATION="$duration"
logs="$root/target/fuzz-campaign"
mkdir -p "$logs"
failed=()
for target in "${targets[@]}"; do
  if [[ "$target" != *:*#* ]]; then
    echo "target '$target' is not MODULE:CLASS#METHOD (e.g. mlj-serving:DecoderFuzzTest#base64)" >&2
    exit 2
  fi
  module="${target%%:*}"
  test="${target#*:}"
  log="$logs/${test/\#/.}.log"
  status=0
  (cd "$root" && mvn -B -q -Dmlj.skipPython test -pl "$module" -am -Dtest="$test" \
      -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="$duration" -Djazzer.hooks=true) > "$log" 2>&1 \
    || status=$?
  done_line="$(grep -o '^Done [0-9]* runs in [0-9]* second(s)' "$log" || echo "no fuzzing run (see $log)")"
  printf '%-12s %-40s %s\n' "$module" "$test" "$done_line"
  if [[ $status -ne 0 ]]; then
    failed+=("$target")
    grep -E '== Java Exception|Caused by|FAIL|ERROR' "$log" | head -20 >&2 || true
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "findings in: ${failed[*]} (crashing inputs are under src/test/resources/**/*FuzzTestInputs/)" >&2
  exit 1
fi
echo "no findings in ${#targets[@]} targets × $duration"
