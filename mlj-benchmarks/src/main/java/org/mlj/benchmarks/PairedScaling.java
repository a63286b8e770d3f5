package org.mlj.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures how predictions per second on one shared model scale from one calling thread to two,
 * with the two <em>interleaved</em>: blocks of one thread calling and of two threads calling alternate
 * (one, two, two, one, ...), each block's calls per second are counted, and each adjacent pair gives one
 * ratio; the cell's scaling is the median pair, printed with the pairs' interquartile range. The model is
 * set up as {@link SharedModelThroughputBenchmark} sets it up (one load, the same prebuilt input for both
 * threads, no splitting of a lone call).
 *
 * <p>Why not JMH's throughput mode alone: its one-thread and two-thread benchmarks run one after the
 * other, seconds apart, on a machine whose speed drifts by 20-30 %, and with a few seconds of warm-up the
 * second thread's network copy and the JIT were still warming: DL4J's CNN at batch 1 gave 1,390, 2,012 and
 * 2,045 calls/s in three 4-second rounds on one thread. So both ways first run in turn for
 * {@code WARMUP_S} seconds.
 *
 * <p>Usage: {@code PairedScaling BACKEND MODEL BATCH PAIRS BLOCK_MS WARMUP_S OUT.json}.
 */
public final class PairedScaling {
    /** Keeps the results of timed calls alive, so that no call can be optimised away. */
    private static volatile int sink;

    private PairedScaling() {
    }

    /** Runs one cell and writes its blocks to a JSON file (see {@link BenchmarkResults}). */
    public static void main(String[] args) throws IOException, InterruptedException, ExecutionException {
        if (args.length != 7) {
            System.err.println("usage: PairedScaling BACKEND MODEL BATCH PAIRS BLOCK_MS WARMUP_S OUT.json");
            System.exit(2);
        }
        SharedModelThroughputBenchmark cell = new SharedModelThroughputBenchmark();
        cell.backend = args[0];
        cell.model = BenchmarkModel.valueOf(args[1]);
        cell.batch = Integer.parseInt(args[2]);
        int pairs = Integer.parseInt(args[3]);
        long blockNanos = Long.parseLong(args[4]) * 1_000_000L;
        long warmupNanos = Long.parseLong(args[5]) * 1_000_000_000L;
        cell.load();
        ExecutorService second = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "second-caller");
            thread.setDaemon(true);
            return thread;
        });
        try {
            long warmEnd = System.nanoTime() + warmupNanos;
            while (System.nanoTime() < warmEnd) {
                block(cell, false, blockNanos, second);
                block(cell, true, blockNanos, second);
            }
            double[] one = new double[pairs];
            double[] two = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                if (i % 2 == 0) {
                    one[i] = block(cell, false, blockNanos, second);
                    two[i] = block(cell, true, blockNanos, second);
                } else {
                    two[i] = block(cell, true, blockNanos, second);
                    one[i] = block(cell, false, blockNanos, second);
                }
            }
            double[] ratios = PairedOverhead.ratios(one, two);
            System.out.printf(Locale.ROOT, "%s %s batch %d: 1 thread %.0f calls/s, 2 threads %.0f calls/s, scaling %.3f [%.3f-%.3f] over %d pairs%n",
                    cell.backend, cell.model, cell.batch, PairedOverhead.quantile(one, 0.5), PairedOverhead.quantile(two, 0.5),
                    PairedOverhead.quantile(ratios, 0.5), PairedOverhead.quantile(ratios, 0.25), PairedOverhead.quantile(ratios, 0.75), pairs);
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode().put("backend", cell.backend).put("model", cell.model.name())
                    .put("batch", cell.batch).put("block_ms", Long.parseLong(args[4])).put("warmup_s", Long.parseLong(args[5]));
            ArrayNode oneNode = root.putArray("one_thread_per_s");
            ArrayNode twoNode = root.putArray("two_threads_per_s");
            for (int i = 0; i < pairs; i++) {
                oneNode.add(one[i]);
                twoNode.add(two[i]);
            }
            json.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[6]).toFile(), root);
        } finally {
            second.shutdownNow();
            cell.close();
        }
    }

    /** Calls the shared model from one thread, or from two at once, for {@code blockNanos}; calls per second. */
    private static double block(SharedModelThroughputBenchmark cell, boolean twoThreads, long blockNanos, ExecutorService second)
            throws InterruptedException, ExecutionException {
        long start = System.nanoTime();
        long end = start + blockNanos;
        Future<Long> other = twoThreads ? second.submit(() -> calls(cell, end)) : null;
        long calls = calls(cell, end);
        if (other != null) {
            calls += other.get();
        }
        return calls / ((System.nanoTime() - start) / 1e9);
    }

    /** Calls until {@code end} (at least once); how many calls. */
    private static long calls(SharedModelThroughputBenchmark cell, long end) {
        long calls = 0;
        do {
            sink += System.identityHashCode(cell.oneThread());
            calls++;
        } while (System.nanoTime() < end);
        return calls;
    }
}
