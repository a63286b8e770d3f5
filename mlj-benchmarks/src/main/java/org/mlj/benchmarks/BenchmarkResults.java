package org.mlj.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The results of one bench.sh run, read from its results directory: JMH JSON files ({@code -rf json};
 * every {@code jmh-*.json}, one per step or per table cell and round), the Python timings
 * ({@code python.json}, from python_timing.py), the interleaved mlj/raw pairs ({@code paired-*.json}, one per
 * table cell, from {@link PairedOverhead}), the interleaved one/two-thread blocks ({@code scaling-*.json}, from
 * {@link PairedScaling}) and the soak ({@code soak.json}, from {@link SoakRun}).
 * Missing files leave their cells empty. Immutable.
 *
 * @param jmh every JMH result
 * @param python every Python timing
 * @param pythonEnvironment Python, TensorFlow, Keras and NumPy versions, in python_timing.py's order
 * @param paired every interleaved mlj/raw measurement, one per table cell and variant
 * @param scaling every interleaved one/two-thread measurement, one per backend, model and batch size
 * @param soak the soak, if it ran
 */
record BenchmarkResults(List<JmhResult> jmh, List<PythonTiming> python, Map<String, String> pythonEnvironment,
                        List<PairedResult> paired, List<ScalingResult> scaling, Optional<SoakResult> soak) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One JMH benchmark result.
     *
     * @param benchmark {@code SimpleClassName.method}
     * @param params the {@code @Param} values
     * @param median the median of the sampled times in ms (SampleTime mode), else the score (ops/s in
     *     throughput mode)
     * @param run the result file: one JMH run, i.e. one table cell in one round in full mode
     */
    record JmhResult(String benchmark, Map<String, String> params, double median, String run) {
    }

    /** One Python path's median time for one model and batch size. */
    record PythonTiming(String model, int batch, String path, double medianMs) {
    }

    /**
     * One variant of one table cell measured by {@link PairedOverhead}: the block medians of each
     * adjacent raw/mlj pair, in ms per call.
     *
     * @param variant {@code Prebuilt} or {@code FromArrays}
     */
    record PairedResult(String backend, String model, int batch, String variant, double[] rawMs, double[] mljMs) {
        /** Each pair's mlj/raw, sorted. */
        double[] ratios() {
            double[] ratios = PairedOverhead.ratios(rawMs, mljMs);
            java.util.Arrays.sort(ratios);
            return ratios;
        }
    }

    /**
     * One shared model measured by {@link PairedScaling}: calls per second of each adjacent pair of a
     * one-thread and a two-thread block.
     */
    record ScalingResult(String backend, String model, int batch, double[] oneThreadPerSecond, double[] twoThreadsPerSecond) {
        /** Each pair's two-thread over one-thread calls per second, sorted. */
        double[] ratios() {
            double[] ratios = PairedOverhead.ratios(oneThreadPerSecond, twoThreadsPerSecond);
            java.util.Arrays.sort(ratios);
            return ratios;
        }
    }

    /** The soak's RSS readings. */
    record SoakResult(long predictions, double rssWarmupMb, double rssEndMb, double rssPeakMb, double seconds) {
        /** RSS at the end minus RSS after warm-up. */
        double growthMb() {
            return rssEndMb - rssWarmupMb;
        }
    }

    /** Reads the results in {@code directory}. */
    static BenchmarkResults read(Path directory) throws IOException {
        List<JmhResult> jmh = new ArrayList<>();
        try (var files = Files.newDirectoryStream(directory, "jmh-*.json")) {
            for (Path file : files) {
                for (JsonNode entry : JSON.readTree(file.toFile())) {
                    jmh.add(jmhResult(entry, file.getFileName().toString()));
                }
            }
        }
        List<PythonTiming> python = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        Path pythonFile = directory.resolve("python.json");
        if (Files.exists(pythonFile)) {
            JsonNode root = JSON.readTree(pythonFile.toFile());
            root.path("environment").fields().forEachRemaining(field -> environment.put(field.getKey(), field.getValue().asText()));
            for (JsonNode timing : root.path("results")) {
                python.add(new PythonTiming(timing.path("model").asText(), timing.path("batch").asInt(),
                        timing.path("path").asText(), timing.path("median_ms").asDouble()));
            }
        }
        List<PairedResult> paired = new ArrayList<>();
        try (var files = Files.newDirectoryStream(directory, "paired-*.json")) {
            for (Path file : files) {
                JsonNode root = JSON.readTree(file.toFile());
                root.path("variants").fields().forEachRemaining(variant -> paired.add(new PairedResult(root.path("backend").asText(),
                        root.path("model").asText(), root.path("batch").asInt(), variant.getKey(),
                        doubles(variant.getValue().path("raw_ms")), doubles(variant.getValue().path("mlj_ms")))));
            }
        }
        List<ScalingResult> scaling = new ArrayList<>();
        try (var files = Files.newDirectoryStream(directory, "scaling-*.json")) {
            for (Path file : files) {
                JsonNode root = JSON.readTree(file.toFile());
                scaling.add(new ScalingResult(root.path("backend").asText(), root.path("model").asText(), root.path("batch").asInt(),
                        doubles(root.path("one_thread_per_s")), doubles(root.path("two_threads_per_s"))));
            }
        }
        Path soakFile = directory.resolve("soak.json");
        Optional<SoakResult> soak = Optional.empty();
        if (Files.exists(soakFile)) {
            JsonNode root = JSON.readTree(soakFile.toFile());
            soak = Optional.of(new SoakResult(root.path("predictions").asLong(), root.path("rss_warmup_mb").asDouble(),
                    root.path("rss_end_mb").asDouble(), root.path("rss_peak_mb").asDouble(), root.path("seconds").asDouble()));
        }
        return new BenchmarkResults(List.copyOf(jmh), List.copyOf(python), Collections.unmodifiableMap(environment),
                List.copyOf(paired), List.copyOf(scaling), soak);
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    /** The interleaved one/two-thread measurement of one shared model, if it ran. */
    Optional<ScalingResult> scaling(String backend, String model, int batch) {
        return scaling.stream().filter(result -> result.backend().equals(backend) && result.model().equals(model)
                && result.batch() == batch).findFirst();
    }

    /** The interleaved measurement of one cell and variant, if it ran. */
    Optional<PairedResult> paired(String backend, String model, int batch, String variant) {
        return paired.stream().filter(result -> result.backend().equals(backend) && result.model().equals(model)
                && result.batch() == batch && result.variant().equals(variant)).findFirst();
    }

    private static JmhResult jmhResult(JsonNode entry, String run) {
        String[] parts = entry.path("benchmark").asText().split("\\.");
        String benchmark = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new TreeMap<>();
        entry.path("params").fields().forEachRemaining(field -> params.put(field.getKey(), field.getValue().asText()));
        JsonNode metric = entry.path("primaryMetric");
        JsonNode median = metric.path("scorePercentiles").path("50.0");
        boolean sampled = "sample".equals(entry.path("mode").asText());
        return new JmhResult(benchmark, params, sampled ? median.asDouble() : metric.path("score").asDouble(), run);
    }

    /**
     * The result of {@code benchmark} whose params include all of {@code params}; when several rounds
     * measured it, the median over the rounds.
     */
    OptionalDouble jmh(String benchmark, Map<String, String> params) {
        double[] rounds = jmh.stream()
                .filter(result -> result.benchmark().equals(benchmark) && result.params().entrySet().containsAll(params.entrySet()))
                .mapToDouble(JmhResult::median)
                .sorted()
                .toArray();
        if (rounds.length == 0) {
            return OptionalDouble.empty();
        }
        int middle = rounds.length / 2;
        return OptionalDouble.of(rounds.length % 2 == 1 ? rounds[middle] : (rounds[middle - 1] + rounds[middle]) / 2);
    }

    /**
     * For each JMH run (result file) that measured both benchmarks with {@code params}, the ratio of
     * their medians, sorted: both ran back to back in that run, so the ratio is free of the drift
     * between rounds that a ratio of medians over rounds would carry.
     */
    double[] ratios(String numerator, String denominator, Map<String, String> params) {
        Map<String, Double> below = new TreeMap<>();
        for (JmhResult result : jmh) {
            if (result.benchmark().equals(denominator) && result.params().entrySet().containsAll(params.entrySet())) {
                below.put(result.run(), result.median());
            }
        }
        return jmh.stream()
                .filter(result -> result.benchmark().equals(numerator) && result.params().entrySet().containsAll(params.entrySet())
                        && below.containsKey(result.run()))
                .mapToDouble(result -> result.median() / below.get(result.run()))
                .sorted()
                .toArray();
    }

    /** The median of one Python path. */
    OptionalDouble python(String model, int batch, String path) {
        return python.stream()
                .filter(timing -> timing.model().equals(model) && timing.batch() == batch && timing.path().equals(path))
                .mapToDouble(PythonTiming::medianMs)
                .findFirst();
    }
}
