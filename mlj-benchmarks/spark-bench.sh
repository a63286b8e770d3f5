#!/usr/bin/env bash
# The Spark benchmark (see BENCHMARKS.md, section Spark): rows/s of mlj-spark's transformer for the FFNN,
# CNN and LSTM bundles at batch 1, 64, 256 under local[1] and local[2], against in-process single-thread
# Model.predict, with met/missed lines for the targets. A few minutes on an idle 2-core machine.
#
#   mlj-benchmarks/spark-bench.sh [tensorflow|dl4j]
#
# Builds mlj-spark and mlj-benchmarks in the reactor (package, never install) and runs on mlj-spark's
# class path (target/lib: mlj and the backends; target/spark-lib: Spark and the versions it ships). Output also goes to
# mlj-benchmarks/target/spark-bench.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

echo "spark-bench: building mlj-spark and mlj-benchmarks..." >&2
(cd "$root" && mvn -B -q package -DskipTests -Dmlj.skipPython -pl mlj-spark,mlj-benchmarks -am) >&2

opens="$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' "$root/pom.xml")"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
"$java" -Xmx4g $opens -Dlog4j2.configurationFile="$root/mlj-spark/conf/log4j2.properties" -Djava.awt.headless=true \
  -Dorg.bytedeco.javacpp.logger=slf4j -Dmlj.root="$root" \
  -cp "$here/target/classes:$root/mlj-spark/target/mlj-spark.jar:$root/mlj-spark/target/lib/*:$root/mlj-spark/target/spark-lib/*" \
  org.mlj.benchmarks.SparkThroughputBenchmark "$@" | tee "$here/target/spark-bench.md"
