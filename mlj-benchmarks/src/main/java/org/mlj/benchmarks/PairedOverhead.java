package org.mlj.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures the mlj/raw ratios of one table cell (backend, model, batch size) with raw and mlj
 * <em>interleaved</em>: short blocks of calls alternate raw, mlj, mlj, raw, ... (ABBA, so neither side
 * always runs first), each block's median call time is taken, and each adjacent raw/mlj pair gives one
 * ratio. The cell's mlj/raw is the median of its pairs' ratios, printed with their interquartile range.
 *
 * <p>Why not JMH alone: JMH runs one benchmark after another, so the raw and mlj medians of a cell are
 * taken seconds apart, and this shared machine's speed drifts by 20-30 % over seconds to minutes;
 * ratios from sequential JMH runs swung from 0.64 to 1.63 on cells whose interleaved ratio was within a
 * few percent of 1. Blocks of ~100 ms see the same machine state on both sides. The absolute
 * milliseconds in the table stay JMH's.
 *
 * <p>The cell is set up exactly as the JMH benchmark sets it up ({@link TensorFlowBenchmark#load},
 * {@link Dl4jBenchmark#load}: same models, inputs, output check and warm-up), and the same benchmark
 * methods are timed.
 *
 * <p>Many short blocks beat a few long ones: with 16 pairs of 100 ms blocks, an A/A test (raw against
 * raw) on the dl4j CNN at batch 1 gave 0.94 and 1.06; with 80 pairs of 20 ms, 0.995-1.006.
 *
 * <p>Usage: {@code PairedOverhead BACKEND MODEL BATCH MAX_PAIRS BLOCK_MS BUDGET_S OUT.json}: pairs until
 * {@code MAX_PAIRS} or until {@code BUDGET_S} seconds have gone (at least {@value #MIN_PAIRS} pairs); a block
 * lasts {@code BLOCK_MS} and at least {@value #MIN_CALLS_PER_BLOCK} calls.
 */
public final class PairedOverhead {
    private static final List<String> VARIANTS = List.of("Prebuilt", "FromArrays");
    private static final int MIN_CALLS_PER_BLOCK = 3;
    private static final int MIN_PAIRS = 8;

    /** Keeps the results of timed calls alive, so that no call can be optimised away. */
    private static volatile int sink;

    private PairedOverhead() {
    }

    /** Runs one cell and writes its pairs to a JSON file (see {@link BenchmarkResults}). */
    public static void main(String[] args) throws IOException {
        if (args.length != 7) {
            System.err.println("usage: PairedOverhead BACKEND MODEL BATCH MAX_PAIRS BLOCK_MS BUDGET_S OUT.json");
            System.exit(2);
        }
        String backend = args[0];
        BenchmarkModel model = BenchmarkModel.valueOf(args[1]);
        int batch = Integer.parseInt(args[2]);
        int maxPairs = Integer.parseInt(args[3]);
        long blockNanos = Long.parseLong(args[4]) * 1_000_000L;
        long budgetNanos = Long.parseLong(args[5]) * 1_000_000_000L;
        Map<String, Supplier<?>> paths = new LinkedHashMap<>();
        AutoCloseable cell = cell(backend, model, batch, paths);
        try (cell) {
            ObjectMapper json = new ObjectMapper();
            Map<String, double[][]> measured = measure(paths, maxPairs, blockNanos, budgetNanos);
            int pairs = measured.values().iterator().next()[0].length;
            ObjectNode root = json.createObjectNode().put("backend", backend).put("model", model.name()).put("batch", batch)
                    .put("pairs", pairs).put("block_ms", Long.parseLong(args[4]));
            ObjectNode variants = root.putObject("variants");
            measured.forEach((variant, blocks) -> {
                ObjectNode node = variants.putObject(variant);
                ArrayNode raw = node.putArray("raw_ms");
                ArrayNode mlj = node.putArray("mlj_ms");
                for (int i = 0; i < pairs; i++) {
                    raw.add(blocks[0][i]);
                    mlj.add(blocks[1][i]);
                }
                double[] ratios = ratios(blocks[0], blocks[1]);
                System.out.printf(Locale.ROOT, "%s %s batch %d %s: mlj/raw %.3f [%.3f-%.3f] over %d pairs (raw %.4f ms, mlj %.4f ms)%n",
                        backend, model, batch, variant, quantile(ratios, 0.5), quantile(ratios, 0.25), quantile(ratios, 0.75), pairs,
                        quantile(blocks[0], 0.5), quantile(blocks[1], 0.5));
            });
            json.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[6]).toFile(), root);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Closing the benchmark cell failed", e);
        }
    }

    /** Sets up the JMH benchmark of {@code backend} for one cell and registers its four timed paths. */
    private static AutoCloseable cell(String backend, BenchmarkModel model, int batch, Map<String, Supplier<?>> paths) {
        switch (backend) {
            case "tensorflow" -> {
                TensorFlowBenchmark benchmark = new TensorFlowBenchmark();
                benchmark.model = model;
                benchmark.batch = batch;
                benchmark.load();
                paths(paths, benchmark::rawPrebuilt, benchmark::mljPrebuilt, benchmark::rawFromArrays, benchmark::mljFromArrays);
                return benchmark::close;
            }
            case "dl4j" -> {
                Dl4jBenchmark benchmark = new Dl4jBenchmark();
                benchmark.model = model;
                benchmark.batch = batch;
                benchmark.load();
                paths(paths, benchmark::rawPrebuilt, benchmark::mljPrebuilt, benchmark::rawFromArrays, benchmark::mljFromArrays);
                return benchmark::close;
            }
            default -> throw new IllegalArgumentException("backend must be tensorflow or dl4j, got " + backend);
        }
    }

    private static void paths(Map<String, Supplier<?>> paths, Supplier<?> rawPrebuilt, Supplier<?> mljPrebuilt,
                              Supplier<?> rawFromArrays, Supplier<?> mljFromArrays) {
        paths.put("rawPrebuilt", rawPrebuilt);
        paths.put("mljPrebuilt", mljPrebuilt);
        paths.put("rawFromArrays", rawFromArrays);
        paths.put("mljFromArrays", mljFromArrays);
    }

    /**
     * Per variant, {@code [0]} the raw and {@code [1]} the mlj block medians (ms per call) of each pair.
     * Pair {@code i} runs raw first when {@code i} is even, mlj first when odd; the variants take turns
     * the same way. Stops after {@code maxPairs} pairs, or at the first even pair count past the budget
     * once {@value #MIN_PAIRS} pairs are in.
     */
    static Map<String, double[][]> measure(Map<String, Supplier<?>> paths, int maxPairs, long blockNanos, long budgetNanos) {
        Map<String, double[][]> blocks = new LinkedHashMap<>();
        for (String variant : VARIANTS) {
            blocks.put(variant, new double[2][maxPairs]);
        }
        long start = System.nanoTime();
        int pairs = 0;
        for (int i = 0; i < maxPairs; i++) {
            if (i >= MIN_PAIRS && i % 2 == 0 && System.nanoTime() - start > budgetNanos) {
                break;
            }
            pairs++;
            for (int v = 0; v < VARIANTS.size(); v++) {
                String variant = VARIANTS.get((v + i) % VARIANTS.size());
                double[][] cell = blocks.get(variant);
                boolean rawFirst = i % 2 == 0;
                for (int side : rawFirst ? new int[] {0, 1} : new int[] {1, 0}) {
                    cell[side][i] = blockMedianMillis(paths.get((side == 0 ? "raw" : "mlj") + variant), blockNanos);
                }
            }
        }
        int measured = pairs;
        blocks.replaceAll((variant, sides) -> new double[][] {Arrays.copyOf(sides[0], measured), Arrays.copyOf(sides[1], measured)});
        return blocks;
    }

    /** Calls {@code path} for {@code blockNanos} (at least {@value #MIN_CALLS_PER_BLOCK} calls); the median call in ms. */
    static double blockMedianMillis(Supplier<?> path, long blockNanos) {
        long[] times = new long[64];
        int count = 0;
        long start = System.nanoTime();
        long now = start;
        while (count < MIN_CALLS_PER_BLOCK || now - start < blockNanos) {
            long before = now;
            Object result = path.get();
            now = System.nanoTime();
            sink += System.identityHashCode(result);
            if (count == times.length) {
                times = Arrays.copyOf(times, count * 2);
            }
            times[count++] = now - before;
        }
        long[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        double median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
        return median / 1e6;
    }

    /** {@code mlj[i] / raw[i]} for each pair. */
    static double[] ratios(double[] raw, double[] mlj) {
        double[] ratios = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            ratios[i] = mlj[i] / raw[i];
        }
        return ratios;
    }

    /** The {@code q}-quantile of {@code values} (linear interpolation between order statistics); NaN if empty. */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
