package org.mlj.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Merges the JMH, Python and soak results of one bench.sh run into the table bench.sh prints: per
 * model, batch size and backend the median ms per prediction of raw and mlj, with prebuilt tensors and
 * from Java arrays, the mlj/raw ratios, the three Python paths and how many times faster mlj is than
 * the fastest of them; then throughput with one and two threads, the memory soak, the mission's
 * targets, and the summary line {@code worst mlj/raw overhead: X.XX (backend, model, batch)}.
 *
 * <p>Usage: {@code BenchmarkTable RESULTS_DIR [--markdown FILE --settings TEXT --load-before LOAD]}.
 * With {@code --markdown} it also writes the run, with a description of the machine, between the
 * {@value #BEGIN} and {@value #END} markers of FILE (creating FILE if needed); the text around the
 * markers is kept.
 */
public final class BenchmarkTable {
    private static final String BEGIN = "<!-- BEGIN bench.sh --full -->";
    private static final String END = "<!-- END bench.sh --full -->";

    private static final List<String> BACKENDS = List.of("tensorflow", "dl4j");
    private static final Map<String, String> LATENCY_BENCHMARKS = Map.of("tensorflow", "TensorFlowBenchmark", "dl4j", "Dl4jBenchmark");
    private static final List<String> PYTHON_PATHS = List.of("predict", "call", "signature");
    private static final double OVERHEAD_TARGET = 1.05;
    private static final double PYTHON_SPEEDUP_TARGET_BATCH_1 = 5.0;
    private static final double THREAD_SCALING_TARGET = 1.5;
    private static final double SOAK_GROWTH_TARGET_MB = 50;

    private final BenchmarkResults results;
    private final List<Integer> batches;

    BenchmarkTable(BenchmarkResults results) {
        this.results = results;
        TreeSet<Integer> sizes = new TreeSet<>();
        results.jmh().stream().filter(r -> r.benchmark().startsWith("TensorFlowBenchmark") || r.benchmark().startsWith("Dl4jBenchmark"))
                .forEach(r -> sizes.add(Integer.parseInt(r.params().get("batch"))));
        results.python().forEach(timing -> sizes.add(timing.batch()));
        this.batches = List.copyOf(sizes);
    }

    /** Prints the table of a results directory and, with {@code --markdown}, records it in a Markdown file. */
    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[1].equals("--against")) {
            System.out.print(agreement(BenchmarkResults.read(Path.of(args[0])), BenchmarkResults.read(Path.of(args[2]))));
            return;
        }
        if (args.length != 1 && args.length != 7) {
            System.err.println("usage: BenchmarkTable RESULTS_DIR [--markdown FILE --settings TEXT --load-before LOAD]");
            System.err.println("       BenchmarkTable RESULTS_DIR --against OTHER_RESULTS_DIR   (how far this run's ratios are from another's)");
            System.exit(2);
        }
        BenchmarkTable table = new BenchmarkTable(BenchmarkResults.read(Path.of(args[0])));
        String text = table.render();
        System.out.print(text);
        if (args.length == 7) {
            Path markdown = Path.of(option(args, "--markdown"));
            String block = table.markdown(text, MachineDescription.current(), option(args, "--settings"), option(args, "--load-before"));
            Files.writeString(markdown, replaceBlock(Files.exists(markdown) ? Files.readString(markdown) : "", block));
        }
    }

    /**
     * Every ratio the targets judge (mlj/raw per cell and variant, thread scaling) in {@code run} beside the
     * same ratio in {@code reference} (e.g. a quick run against a full one), their relative difference,
     * and how many agree within 10 %.
     */
    static String agreement(BenchmarkResults run, BenchmarkResults reference) {
        StringBuilder out = new StringBuilder("ratio                                   this run  reference  difference\n");
        List<Double> differences = new ArrayList<>();
        for (var cell : reference.paired()) {
            run.paired(cell.backend(), cell.model(), cell.batch(), cell.variant()).ifPresent(mine -> differences.add(agreementRow(out,
                    String.format(Locale.ROOT, "mlj/raw %s %s %d %s", cell.backend(), cell.model(), cell.batch(), cell.variant()),
                    PairedOverhead.quantile(mine.ratios(), 0.5), PairedOverhead.quantile(cell.ratios(), 0.5))));
        }
        for (var cell : reference.scaling()) {
            run.scaling(cell.backend(), cell.model(), cell.batch()).ifPresent(mine -> differences.add(agreementRow(out,
                    String.format(Locale.ROOT, "scaling %s %s %d", cell.backend(), cell.model(), cell.batch()),
                    PairedOverhead.quantile(mine.ratios(), 0.5), PairedOverhead.quantile(cell.ratios(), 0.5))));
        }
        long within = differences.stream().filter(difference -> Math.abs(difference) <= 0.10).count();
        double[] absolute = differences.stream().mapToDouble(Math::abs).toArray();
        out.append(String.format(Locale.ROOT, "%d of %d ratios within 10 %% of the reference; median |difference| %.1f %%, largest %.1f %%%n",
                within, differences.size(), PairedOverhead.quantile(absolute, 0.5) * 100,
                absolute.length == 0 ? Double.NaN : java.util.Arrays.stream(absolute).max().getAsDouble() * 100));
        return out.toString();
    }

    private static double agreementRow(StringBuilder out, String name, double mine, double reference) {
        double difference = mine / reference - 1;
        out.append(String.format(Locale.ROOT, "%-40s %8.3f  %9.3f  %+9.1f %%%n", name, mine, reference, difference * 100));
        return difference;
    }

    private static String option(String[] args, String name) {
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        throw new IllegalArgumentException("Missing option " + name);
    }

    /** The whole text bench.sh prints, ending with the summary line. */
    private String render() {
        StringBuilder out = new StringBuilder();
        latencyTable(out);
        out.append('\n');
        throughputTable(out);
        out.append('\n');
        soakLine(out);
        out.append('\n');
        for (String target : targets()) {
            out.append(target).append('\n');
        }
        out.append(summary()).append('\n');
        return out.toString();
    }

    private void latencyTable(StringBuilder out) {
        String row = "%-5s %5s  %-10s | %8s %8s %-15s | %8s %8s %-15s | %8s %8s %9s | %7s%n";
        out.append("Median ms per prediction call (JMH SampleTime; Python: median of timed calls)\n");
        out.append(String.format(Locale.ROOT, row, "", "", "", "prebuilt", "tensors", "", "from", "arrays", "", "Python", "", "", "fastest"));
        out.append(String.format(Locale.ROOT, row, "model", "batch", "backend", "raw", "mlj", "mlj/raw", "raw", "mlj", "mlj/raw",
                "predict", "call", "signature", "Py/mlj"));
        for (BenchmarkModel model : BenchmarkModel.values()) {
            for (int batch : batches) {
                for (String backend : BACKENDS) {
                    boolean firstBackend = backend.equals(BACKENDS.get(0));
                    OptionalDouble rawPrebuilt = latency(backend, "rawPrebuilt", model, batch);
                    OptionalDouble mljPrebuilt = latency(backend, "mljPrebuilt", model, batch);
                    OptionalDouble rawArrays = latency(backend, "rawFromArrays", model, batch);
                    OptionalDouble mljArrays = latency(backend, "mljFromArrays", model, batch);
                    List<String> python = new ArrayList<>();
                    for (String path : PYTHON_PATHS) {
                        python.add(firstBackend ? millis(results.python(model.name(), batch, path)) : "");
                    }
                    out.append(String.format(Locale.ROOT, row, firstBackend ? model.name() : "", firstBackend ? batch : "", backend,
                            millis(rawPrebuilt), millis(mljPrebuilt), overheadText(backend, "Prebuilt", model, batch),
                            millis(rawArrays), millis(mljArrays), overheadText(backend, "FromArrays", model, batch),
                            python.get(0), python.get(1), python.get(2), times(ratio(fastestPython(model, batch), mljArrays))));
                }
            }
        }
        out.append("""
                prebuilt tensors: the input tensor is built once (raw: a native TF tensor / INDArray; mlj: a Tensor, direct on tensorflow).
                from arrays: each call builds its input from a float[]/int[] (mlj: Tensor.wrap, raw TF: DataBuffers.of(array,
                     true, false); each copies it once, into native memory) and copies the output into a float[].
                raw: TensorFlow Java SessionFunction.call / DL4J ComputationGraph.output on the network mlj-dl4j imports
                     (mlj-dl4j itself runs Dense layers as direct gemms, LSTMs as one fused op and the CNN as a fixed
                     program of libnd4j ops: mlj/raw < 1 there).
                mlj/raw: raw and mlj interleaved in one JVM (PairedOverhead: short blocks of calls, raw/mlj/mlj/raw...,
                     each adjacent pair's ratio of block medians); the median pair, then [25th-75th percentile] of the
                     pairs: the spread to read each ratio with. (Without pairs: median of the JMH rounds' ratios.) The
                     ms columns are JMH's, run one benchmark after another: their quotient is not the mlj/raw column.
                Py/mlj: fastest Python path / mlj from arrays (how many times faster mlj is than Python).
                """);
    }

    private void throughputTable(StringBuilder out) {
        TreeSet<Integer> found = new TreeSet<>();
        results.jmh().stream().filter(r -> r.benchmark().startsWith("SharedModelThroughputBenchmark"))
                .forEach(r -> found.add(Integer.parseInt(r.params().get("batch"))));
        results.scaling().forEach(r -> found.add(r.batch()));
        if (found.isEmpty()) {
            out.append("Throughput: not measured\n");
            return;
        }
        String row = "%-5s %5s  %-10s | %10s %10s  %-18s%n";
        out.append("Throughput: predict calls per second on one model shared by 1 and 2 threads\n");
        out.append(String.format(Locale.ROOT, row, "model", "batch", "backend", "1 thread", "2 threads", "scaling"));
        for (BenchmarkModel model : BenchmarkModel.values()) {
            for (int batch : found) {
                for (String backend : BACKENDS) {
                    var paired = results.scaling(backend, model.name(), batch);
                    if (paired.isPresent()) {
                        double[] pairs = paired.get().ratios();
                        out.append(String.format(Locale.ROOT, row, model.name(), batch, backend,
                                perSecond(OptionalDouble.of(PairedOverhead.quantile(paired.get().oneThreadPerSecond(), 0.5))),
                                perSecond(OptionalDouble.of(PairedOverhead.quantile(paired.get().twoThreadsPerSecond(), 0.5))),
                                String.format(Locale.ROOT, "%.2fx [%.2f-%.2f]", PairedOverhead.quantile(pairs, 0.5),
                                        PairedOverhead.quantile(pairs, 0.25), PairedOverhead.quantile(pairs, 0.75))));
                        continue;
                    }
                    Map<String, String> params = Map.of("backend", backend, "model", model.name(), "batch", Integer.toString(batch));
                    OptionalDouble one = results.jmh("SharedModelThroughputBenchmark.oneThread", params);
                    OptionalDouble two = results.jmh("SharedModelThroughputBenchmark.twoThreads", params);
                    out.append(String.format(Locale.ROOT, row, model.name(), batch, backend, perSecond(one), perSecond(two),
                            times(ratio(two, one))));
                }
            }
        }
        out.append("""
                1 and 2 threads interleaved in one JVM after a warm-up (PairedScaling: blocks of one caller and of two callers
                     alternate; calls/s are the median blocks); scaling: the median pair's 2-thread/1-thread, [25th-75th
                     percentile] of the pairs. Splitting a lone call is off (splitRows 0): one thread means one core.
                """);
    }

    /** Two threads' calls per second over one thread's: the median interleaved pair, else the JMH benchmarks' quotient. */
    private OptionalDouble scaling(String backend, BenchmarkModel model, int batch) {
        var paired = results.scaling(backend, model.name(), batch);
        if (paired.isPresent()) {
            return OptionalDouble.of(PairedOverhead.quantile(paired.get().ratios(), 0.5));
        }
        Map<String, String> params = Map.of("backend", backend, "model", model.name(), "batch", Integer.toString(batch));
        return ratio(results.jmh("SharedModelThroughputBenchmark.twoThreads", params),
                results.jmh("SharedModelThroughputBenchmark.oneThread", params));
    }

    private void soakLine(StringBuilder out) {
        out.append(results.soak().map(soak -> String.format(Locale.ROOT,
                "Memory (SoakRun: mlj-tensorflow, FFNN batch 1, heap fixed at 256 MB): RSS %.1f MB after warm-up, %.1f MB after "
                        + "%,d predictions (%+.1f MB; peak %.1f MB; %.3f ms/prediction)%n",
                soak.rssWarmupMb(), soak.rssEndMb(), soak.predictions(), soak.growthMb(), soak.rssPeakMb(),
                soak.seconds() * 1000 / soak.predictions())).orElse("Memory: soak not run\n"));
    }

    /** One line per target of the mission, saying whether this run met it. */
    private List<String> targets() {
        List<String> lines = new ArrayList<>();
        for (String backend : BACKENDS) {
            Overhead worst = worstOverhead(List.of(backend));
            lines.add(worst == null ? "target mlj/raw <= 1.05 (" + backend + "): not measured"
                    : String.format(Locale.ROOT, "target mlj/raw <= %.2f (%s): worst %.2f (%s, %s, batch %d) -> %s", OVERHEAD_TARGET,
                    backend, worst.ratio(), worst.model(), worst.variant(), worst.batch(), verdict(worst.ratio() <= OVERHEAD_TARGET)));
        }
        for (BenchmarkModel model : BenchmarkModel.values()) {
            speedupTarget(lines, model, 1, PYTHON_SPEEDUP_TARGET_BATCH_1);
            speedupTarget(lines, model, 256, 1.0);
        }
        for (int batch : List.of(1, 256)) {
            for (BenchmarkModel model : BenchmarkModel.values()) {
                bestBackendTarget(lines, model, batch);
            }
        }
        for (int batch : List.of(1, 256)) {
            OptionalDouble scaling = scaling("dl4j", BenchmarkModel.CNN, batch);
            if (scaling.isPresent()) {
                lines.add(String.format(Locale.ROOT, "target 2 threads on one dl4j CNN >= %.1fx the calls/s of 1 thread (batch %d): %.2fx -> %s",
                        THREAD_SCALING_TARGET, batch, scaling.getAsDouble(), verdict(scaling.getAsDouble() >= THREAD_SCALING_TARGET)));
            }
        }
        results.soak().ifPresent(soak -> lines.add(String.format(Locale.ROOT,
                "target RSS growth <= %.0f MB over the soak: %+.1f MB over %,d predictions -> %s", SOAK_GROWTH_TARGET_MB,
                soak.growthMb(), soak.predictions(), verdict(soak.growthMb() <= SOAK_GROWTH_TARGET_MB))));
        return lines;
    }

    private void speedupTarget(List<String> lines, BenchmarkModel model, int batch, double target) {
        OptionalDouble speedup = ratio(fastestPython(model, batch), latency("tensorflow", "mljFromArrays", model, batch));
        if (speedup.isPresent()) {
            lines.add(String.format(Locale.ROOT, "target mlj-tensorflow >= %.1fx the fastest Python path (%s, batch %d): %.2fx -> %s",
                    target, model.name(), batch, speedup.getAsDouble(), verdict(speedup.getAsDouble() >= target)));
        }
    }

    /** Best mlj (from arrays, over both backends) against the fastest Python path: at least level (1.0x). */
    private void bestBackendTarget(List<String> lines, BenchmarkModel model, int batch) {
        String best = null;
        double bestSpeedup = 0;
        List<String> each = new ArrayList<>();
        for (String backend : BACKENDS) {
            OptionalDouble speedup = ratio(fastestPython(model, batch), latency(backend, "mljFromArrays", model, batch));
            if (speedup.isPresent()) {
                each.add(String.format(Locale.ROOT, "%s %.2fx", backend, speedup.getAsDouble()));
                if (best == null || speedup.getAsDouble() > bestSpeedup) {
                    best = backend;
                    bestSpeedup = speedup.getAsDouble();
                }
            }
        }
        if (best != null) {
            lines.add(String.format(Locale.ROOT, "target best mlj >= 1.0x the fastest Python path (%s, batch %d): %.2fx on %s (%s) -> %s",
                    model.name(), batch, bestSpeedup, best, String.join(", ", each), verdict(bestSpeedup >= 1.0)));
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** {@code worst mlj/raw overhead: X.XX (backend, model, batch)} over both backends. */
    private String summary() {
        Overhead worst = worstOverhead(BACKENDS);
        return worst == null ? "worst mlj/raw overhead: not measured"
                : String.format(Locale.ROOT, "worst mlj/raw overhead: %.2f (%s, %s, %d)", worst.ratio(), worst.backend(),
                worst.model(), worst.batch());
    }

    /** One mlj/raw ratio and where it was measured. */
    private record Overhead(double ratio, String backend, String model, String variant, int batch) {
    }

    private Overhead worstOverhead(List<String> backends) {
        Overhead worst = null;
        for (String backend : backends) {
            for (BenchmarkModel model : BenchmarkModel.values()) {
                for (int batch : batches) {
                    for (String variant : List.of("Prebuilt", "FromArrays")) {
                        OptionalDouble ratio = overhead(backend, variant, model, batch);
                        if (ratio.isPresent() && (worst == null || ratio.getAsDouble() > worst.ratio())) {
                            worst = new Overhead(ratio.getAsDouble(), backend, model.name(),
                                    variant.equals("Prebuilt") ? "prebuilt tensors" : "from arrays", batch);
                        }
                    }
                }
            }
        }
        return worst;
    }

    /**
     * mlj/raw for one cell: the median of its interleaved pairs ({@link PairedOverhead}) when they were
     * measured, else the median of the per-round JMH ratios (see {@link BenchmarkResults#ratios}).
     */
    private OptionalDouble overhead(String backend, String variant, BenchmarkModel model, int batch) {
        var paired = results.paired(backend, model.name(), batch, variant);
        if (paired.isPresent()) {
            return OptionalDouble.of(PairedOverhead.quantile(paired.get().ratios(), 0.5));
        }
        double[] rounds = roundRatios(backend, variant, model, batch);
        if (rounds.length == 0) {
            return ratio(latency(backend, "mlj" + variant, model, batch), latency(backend, "raw" + variant, model, batch));
        }
        int middle = rounds.length / 2;
        return OptionalDouble.of(rounds.length % 2 == 1 ? rounds[middle] : (rounds[middle - 1] + rounds[middle]) / 2);
    }

    private double[] roundRatios(String backend, String variant, BenchmarkModel model, int batch) {
        String benchmark = LATENCY_BENCHMARKS.get(backend);
        return results.ratios(benchmark + ".mlj" + variant, benchmark + ".raw" + variant,
                Map.of("model", model.name(), "batch", Integer.toString(batch)));
    }

    /**
     * {@code 1.02 [0.98-1.06]}: the ratio and its spread: the interquartile range of the interleaved pairs,
     * or, from JMH rounds alone, the lowest and highest of two or more rounds.
     */
    private String overheadText(String backend, String variant, BenchmarkModel model, int batch) {
        OptionalDouble ratio = overhead(backend, variant, model, batch);
        if (ratio.isEmpty()) {
            return "-";
        }
        var paired = results.paired(backend, model.name(), batch, variant);
        if (paired.isPresent()) {
            double[] pairs = paired.get().ratios();
            return String.format(Locale.ROOT, "%.2f [%.2f-%.2f]", ratio.getAsDouble(), PairedOverhead.quantile(pairs, 0.25),
                    PairedOverhead.quantile(pairs, 0.75));
        }
        double[] rounds = roundRatios(backend, variant, model, batch);
        String text = String.format(Locale.ROOT, "%.2f", ratio.getAsDouble());
        return rounds.length < 2 ? text
                : text + String.format(Locale.ROOT, " [%.2f-%.2f]", rounds[0], rounds[rounds.length - 1]);
    }

    private OptionalDouble latency(String backend, String method, BenchmarkModel model, int batch) {
        return results.jmh(LATENCY_BENCHMARKS.get(backend) + "." + method, Map.of("model", model.name(), "batch", Integer.toString(batch)));
    }

    private OptionalDouble fastestPython(BenchmarkModel model, int batch) {
        return PYTHON_PATHS.stream().map(path -> results.python(model.name(), batch, path))
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).min();
    }

    private static OptionalDouble ratio(OptionalDouble numerator, OptionalDouble denominator) {
        return numerator.isPresent() && denominator.isPresent()
                ? OptionalDouble.of(numerator.getAsDouble() / denominator.getAsDouble()) : OptionalDouble.empty();
    }

    private static String millis(OptionalDouble value) {
        if (value.isEmpty()) {
            return "-";
        }
        double ms = value.getAsDouble();
        return String.format(Locale.ROOT, ms < 10 ? "%.3f" : ms < 100 ? "%.2f" : "%.1f", ms);
    }

    private static String times(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.1fx", value.getAsDouble()) : "-";
    }

    private static String perSecond(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%,.0f", value.getAsDouble()) : "-";
    }

    /** The Markdown block for {@code BENCHMARKS.md}: machine, settings, and the printed text. */
    private String markdown(String text, MachineDescription machine, String settings, String loadBefore) {
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("## Latest full run (").append(machine.date()).append(")\n\n");
        out.append("| | |\n|---|---|\n");
        out.append("| CPU | ").append(machine.cpuModel()).append(", ").append(machine.processors()).append(" processors (nproc) |\n");
        out.append("| RAM | ").append(machine.memory()).append(" |\n");
        out.append("| Java | ").append(machine.java()).append(" |\n");
        out.append("| Java libraries | ").append(libraryVersions()).append(" |\n");
        out.append("| Python | ").append(results.pythonEnvironment().entrySet().stream()
                .map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining(", "))).append(" |\n");
        out.append("| load average (1/5/15 min) | ").append(loadBefore).append(" before the run (other processes); ")
                .append(machine.loadAverage()).append(" after it (the run itself keeps both cores busy) |\n");
        out.append("| settings | ").append(settings).append(" |\n\n");
        out.append("```text\n").append(text).append("```\n");
        out.append(END).append('\n');
        return out.toString();
    }

    /** The TensorFlow Java, DL4J and JMH versions on this JVM's class path, read from the jar names. */
    private static String libraryVersions() {
        List<String> versions = new ArrayList<>();
        Map<String, String> jars = new LinkedHashMap<>();
        jars.put("TensorFlow Java", "tensorflow-core-api");
        jars.put("DL4J", "deeplearning4j-nn");
        jars.put("JMH", "jmh-core");
        String classPath = System.getProperty("java.class.path");
        jars.forEach((library, artifact) -> {
            Matcher version = Pattern.compile("(?:^|[/\\\\])" + artifact + "-([^/\\\\]+?)\\.jar").matcher(classPath);
            versions.add(library + " " + (version.find() ? version.group(1) : "?"));
        });
        return String.join(", ", versions);
    }

    /** {@code document} with the text between the markers replaced by {@code block}, or {@code block} appended. */
    private static String replaceBlock(String document, String block) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            return document.isEmpty() ? "# mlj benchmarks\n\n" + block : document + "\n" + block;
        }
        int after = document.indexOf('\n', end);
        return document.substring(0, begin) + block + (after < 0 ? "" : document.substring(after + 1));
    }
}
