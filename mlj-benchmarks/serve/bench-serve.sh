#!/usr/bin/env bash
# ./mlj bench serve: mlj serve (TensorFlow and DL4J, batching off and on) against the Python peer
# (FastAPI + uvicorn on TensorFlow, python/peer_server) under wrk, for the FFNN, CNN and LSTM bundles,
# at 1, 4, 16 and 64 connections; plus the in-process single-thread batch-1 yardstick. Prints the table
# and one met/MISSED line per target of issue 15, and writes them into BENCHMARKS.md ("Serving").
#
# The server runs on core 0 and wrk on core 1 (taskset); every server gets a warm-up run before its
# cells are measured. Results and logs go to mlj-benchmarks/target/bench-serve/.
#
# Environment: MLJ_BENCH_SECONDS (per cell, default 10), MLJ_BENCH_WARMUP (per server, default 5),
# MLJ_BENCH_MODELS (default "ffnn cnn lstm"), MLJ_BENCH_SERVERS (default "tensorflow-off tensorflow-on
# dl4j-off dl4j-on peer"), MLJ_BENCH_NO_MARKDOWN=1 (do not touch BENCHMARKS.md), JAVA_HOME,
# MLJ_BENCH_NO_BUILD=1 (reuse the last build), MLJ_SERVE_JAVA_OPTS (extra JVM options for the server, e.g. -XX:StartFlightRecording=...).
# Installs wrk with apt-get when it is missing; creates the peer venv (python/peer_server/setup-peer-venv.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bench="$(dirname "$here")"
root="$(dirname "$bench")"
target="$bench/target"
results="$target/bench-serve"
classpath_file="$target/benchmark.classpath"
seconds="${MLJ_BENCH_SECONDS:-10}"
warmup="${MLJ_BENCH_WARMUP:-5}"
models=(${MLJ_BENCH_MODELS:-ffnn cnn lstm})
servers=(${MLJ_BENCH_SERVERS:-tensorflow-off tensorflow-on dl4j-off dl4j-on peer})
conns=(1 4 16 64)
timeout_micros=2000
port=18601
server_cpu=0
client_cpu=1

say() { echo "bench serve: $*" >&2; }
fail() { say "$*"; exit 1; }

[[ "$(nproc --all)" -ge 2 ]] || fail "needs 2 cores (server and load generator on different cores)"
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; else java="$(command -v java)"; fi

if [[ "${MLJ_BENCH_NO_BUILD:-0}" != 1 || ! -f "$classpath_file" ]]; then
  say "building mlj-benchmarks and the modules it needs (mvn package)"
  (cd "$root" && mvn -B -q -Dstyle.color=never package -DskipTests -Dmlj.skipPython -pl mlj-benchmarks -am) >&2 \
    || fail "the build failed"
fi
python="$("$root/python/setup-venv.sh" | tail -n 1)"
peer_python=""
if [[ " ${servers[*]} " == *" peer "* ]]; then
  peer_python="$("$root/python/peer_server/setup-peer-venv.sh" | tail -n 1)"
fi

rm -rf "$results"
mkdir -p "$results/lib" "$results/bodies" "$results/models"
# Run on copies of the jars so that a concurrent build cannot swap the code under test.
cp -r "$target/classes" "$results/classes"
classpath="$results/classes"
IFS=":" read -r -a entries <<< "$(cat "$classpath_file")"
for entry in "${entries[@]}"; do
  if [[ "$(basename "$entry")" == mlj-* ]]; then
    cp -r "$entry" "$results/lib/"
    entry="$results/lib/$(basename "$entry")"
  fi
  classpath+=":$entry"
done
"$python" "$here/make_bodies.py" "$root/models" "$results/bodies"
printf 'max_batch_size { value: 32 }\nbatch_timeout_micros { value: %d }\nnum_batch_threads { value: 1 }\nmax_enqueued_batches { value: 1000 }\n' \
  "$timeout_micros" > "$results/batching.config"

export TF_CPP_MIN_LOG_LEVEL=2 OMP_NUM_THREADS=1
bundle() { case "$1" in ffnn) echo mnist_ffnn ;; cnn) echo mnist_cnn ;; lstm) echo imdb_lstm ;; esac; }
{
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc --all) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo);"
  echo "Linux $(uname -r), $("$java" -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2);"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tr '\n' ' ' > "$results/machine.txt"

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

wait_ready() {
  local url="$1"
  for _ in $(seq 600); do
    curl -sf "$url" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

start_server() {
  local model="$1" server="$2" log="$3"
  local dir; dir="$root/models/$(bundle "$model")"
  if [[ "$server" == peer ]]; then
    taskset -c "$server_cpu" "$peer_python" "$root/python/peer_server/server.py" --model_name="$model" \
      --saved_model="$dir/saved_model" --port="$port" > "$log" 2>&1 &
  else
    local backend="${server%-*}" batching=()
    mkdir -p "$results/models/$model"
    ln -sfn "$dir" "$results/models/$model/1"
    [[ "$server" == *-on ]] && batching=(--enable_batching --batching_parameters_file="$results/batching.config")
    # shellcheck disable=SC2086
    taskset -c "$server_cpu" "$java" ${MLJ_SERVE_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
      org.mlj.serving.ServeMain --rest_api_port="$port" --model_name="$model" --model_base_path="$results/models/$model" \
      --backend="$backend" --rest_api_num_threads=80 "${batching[@]}" > "$log" 2>&1 &
  fi
  server_pid=$!
  wait_ready "http://127.0.0.1:$port/v1/models/$model"
}

run_wrk() {
  local model="$1" c="$2" secs="$3" result="$4"
  BODIES="$results/bodies/$model.bodies" RESULT="$result" taskset -c "$client_cpu" \
    wrk -t1 -c"$c" -d"${secs}s" --timeout 10s -s "$here/post.lua" "http://127.0.0.1:$port/v1/models/$model:predict" \
    >> "$results/wrk.log" 2>&1
}

start=$SECONDS
for model in "${models[@]}"; do
  for backend in tensorflow dl4j; do
    if [[ " ${servers[*]} " == *" $backend-"* ]]; then
      say "in-process yardstick: $model on $backend"
      taskset -c "$server_cpu" "$java" -Dmlj.root="$root" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
        org.mlj.benchmarks.serve.InProcessRate "$model" "$backend" "$warmup" "$seconds" "$results/inprocess-$model-$backend.json" \
        > "$results/inprocess-$model-$backend.log" 2>&1 || say "  FAILED (see inprocess-$model-$backend.log)"
    fi
  done
  for server in "${servers[@]}"; do
    say "$model on $server: starting"
    if ! start_server "$model" "$server" "$results/server-$model-$server.log"; then
      say "  FAILED to start; last lines of server-$model-$server.log:"
      tail -n 5 "$results/server-$model-$server.log" >&2
      stop_server
      continue
    fi
    run_wrk "$model" 16 "$warmup" "$results/warmup-$model-$server.json"
    for c in "${conns[@]}"; do
      run_wrk "$model" "$c" "$seconds" "$results/wrk-$model-$server-$c.json"
      say "  $c conns: $(tail -n 1 "$results/wrk-$model-$server-$c.json" 2>/dev/null | cut -c1-110)"
    done
    stop_server
  done
done
say "measured in $((SECONDS - start)) s"

settings="$seconds s per cell after a $warmup s warm-up per server at 16 connections; wrk 1 thread on core $client_cpu; servers on core $server_cpu; mlj serve --rest_api_num_threads=80, OMP_NUM_THREADS=1; batching: max_batch_size 32, batch_timeout_micros $timeout_micros, num_batch_threads 1, max_enqueued_batches 1000; peer: one uvicorn process (httptools, uvloop)"
markdown=(--markdown "$root/BENCHMARKS.md")
[[ "${MLJ_BENCH_NO_MARKDOWN:-0}" == 1 ]] && markdown=()
"$python" "$here/serve_table.py" "$results" --timeout-ms "$(awk -v t="$timeout_micros" 'BEGIN { print t / 1000 }')" \
  --settings "$settings" "${markdown[@]}"
