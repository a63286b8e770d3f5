#!/usr/bin/env bash
# The long load tests of issue 15 (loopback only), against mlj serve with the FFNN on TensorFlow:
#   1. 60 s at 64 connections: zero errors (wrk connect/read/write/timeout and non-2xx all 0);
#   2. 1,000,000 batch-1 requests: server RSS grows < 50 MB after a warm-up.
# Prints PASS/FAIL per test and exits non-zero on a failure. Run after ./mlj bench serve has built
# (or MLJ_BENCH_NO_BUILD=0 to build). Options: MLJ_SOAK_REQUESTS (default 1000000), MLJ_SOAK_BATCHING=1
# (serve with the batcher). Results in mlj-benchmarks/target/soak-serve/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
root="$(dirname "$bench")"
target="$bench/target"
results="$target/soak-serve"
requests="${MLJ_SOAK_REQUESTS:-1000000}"
port=18611
say() { echo "soak serve: $*" >&2; }

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
if [[ ! -f "$target/benchmark.classpath" ]]; then
  (cd "$root" && mvn -B -q package -DskipTests -Dmlj.skipPython -pl mlj-benchmarks -am) >&2
fi
python="$("$root/python/setup-venv.sh" | tail -n 1)"
rm -rf "$results"
mkdir -p "$results/models/ffnn"
ln -s "$root/models/mnist_ffnn" "$results/models/ffnn/1"
"$python" "$here/make_bodies.py" "$root/models" "$results"
classpath="$target/classes:$(cat "$target/benchmark.classpath")"
batching=()
if [[ "${MLJ_SOAK_BATCHING:-0}" == 1 ]]; then
  printf 'max_batch_size { value: 32 }\nbatch_timeout_micros { value: 2000 }\nnum_batch_threads { value: 1 }\n' > "$results/batching.config"
  batching=(--enable_batching --batching_parameters_file="$results/batching.config")
fi
TF_CPP_MIN_LOG_LEVEL=2 taskset -c 0 java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" org.mlj.serving.ServeMain \
  --rest_api_port=$port --model_name=ffnn --model_base_path="$results/models/ffnn" --backend=tensorflow \
  --rest_api_num_threads=80 "${batching[@]}" > "$results/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/v1/models/ffnn" >/dev/null && break; sleep 0.2; done

load() { # connections seconds result
  BODIES="$results/ffnn.bodies" RESULT="$3" taskset -c 1 wrk -t1 -c"$1" -d"$2s" --timeout 10s -s "$here/post.lua" \
    "http://127.0.0.1:$port/v1/models/ffnn:predict" >> "$results/wrk.log" 2>&1
}
errors() { "$python" -c 'import json,sys; r=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(sum(r["errors"].values()), r["requests"])' "$1"; }
rss_mb() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$server/status"; }

failed=0
load 16 10 "$results/warmup.json"
load 64 60 "$results/sixty.json"
read -r errs done_requests < <(errors "$results/sixty.json")
if [[ "$errs" == 0 ]]; then say "PASS 60 s at 64 connections: $done_requests requests, 0 errors";
else say "FAIL 60 s at 64 connections: $errs errors in $done_requests requests"; failed=1; fi

before="$(rss_mb)"
total=0
while [[ "$total" -lt "$requests" ]]; do
  load 16 30 "$results/soak.json"
  read -r errs chunk < <(errors "$results/soak.json")
  total=$((total + chunk))
  say "  $total requests, RSS $(rss_mb) MB"
done
after="$(rss_mb)"
if [[ $((after - before)) -lt 50 ]]; then say "PASS $total requests: RSS $before MB -> $after MB (< 50 MB growth)";
else say "FAIL $total requests: RSS $before MB -> $after MB"; failed=1; fi
exit "$failed"
