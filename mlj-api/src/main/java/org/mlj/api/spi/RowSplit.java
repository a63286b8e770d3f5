package org.mlj.api.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.mlj.api.LoadOptions;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The large-batch half of the backends' thread policy: a call with many rows, running while no other
 * call of the same model runs, is cut into parts along dimension 0 that run at the same time, one per
 * core, and the parts' outputs are joined again. Rows of a batch are independent in inference (every
 * Keras layer computes each example on its own), so the result is the same as one call's; a whole call
 * on one thread cannot use a second core where the runtime does not split its ops well (TensorFlow's
 * While-loop LSTM, libnd4j under {@code OMP_NUM_THREADS=1}).
 *
 * <p>Whether a model gains from it is measured, not guessed: its first large calls alternate between
 * split and whole, then the faster way per row is taken, re-checked one call in 32 ({@code Choice}).
 * The caller runs the first part itself; the others are offered to a shared pool of
 * {@code cores - 1} daemon threads, and any part no pool thread has started when the caller is done
 * is run by the caller too, so a busy pool only costs the time the parts would have taken anyway.
 * Concurrent calls of one model (a server, a Spark task per core) are never split: they already use
 * the cores.
 *
 * <p>A call is split only when the signature declares every input's first dimension as the batch
 * (unknown size, as Keras exports it; an input of unknown rank counts only for backends that load
 * Keras models, whose inputs are batch-first by definition), every input has the same number of rows,
 * and at least {@code 2 × minRows} of them; if a part's output does not have the part's rows along dimension 0
 * (a model that is not row-wise), the call is run again whole and splitting is switched off for
 * the model, with a warning.
 *
 * <p><b>Thread-safety:</b> one instance per model, shared by its concurrent calls.
 */
public final class RowSplit {
    private static final Logger LOG = LoggerFactory.getLogger(RowSplit.class);
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    /** Created on first use; daemon threads that idle when no large call runs. */
    private static volatile ExecutorService pool;

    /** Never splits. */
    public static final RowSplit NONE = new RowSplit("none", 0, false);

    private final String what;
    private final int minRows;
    private final boolean unknownRankIsBatchFirst;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean disabled = new AtomicBoolean();
    private final Choice choice = new Choice();

    private RowSplit(String what, int minRows, boolean unknownRankIsBatchFirst) {
        this.what = what;
        this.minRows = minRows;
        this.unknownRankIsBatchFirst = unknownRankIsBatchFirst;
    }

    /**
     * The option {@code <backend>.splitRows}: the fewest rows a part gets (0 turns splitting off), so
     * a call is split from {@code 2 × value} rows on.
     *
     * @param backend the backend name, the option's prefix
     * @param defaultRows the backend's default
     */
    public static BackendOption<Integer> option(String backend, int defaultRows) {
        return BackendOption.integer(backend + ".splitRows", 0, defaultRows,
                "a call of at least twice this many rows, running alone on the model, is cut into one part per core "
                        + "that run at the same time, where that is measured to be faster (rows are independent in "
                        + "inference); 0 turns this off");
    }

    /**
     * The policy a model loaded with {@code options} follows.
     *
     * @param option the backend's {@link #option}
     * @param what the model, for the warning when a model turns out not to be row-wise
     * @param unknownRankIsBatchFirst whether an input declared without a rank is batch-first (true for
     *     Keras models, false where a graph may be laid out otherwise)
     */
    public static RowSplit of(BackendOption<Integer> option, LoadOptions options, String what, boolean unknownRankIsBatchFirst) {
        int rows = option.get(options);
        return rows == 0 || CORES < 2 ? NONE : new RowSplit(what, rows, unknownRankIsBatchFirst);
    }

    /** The fewest rows a part gets; 0 when this never splits. */
    public int minRows() {
        return minRows;
    }

    /**
     * Runs {@code call} on {@code inputs}, in parts when the call is large and alone.
     *
     * @param signature the signature the inputs were validated against
     * @param inputs validated inputs
     * @param call the model's call on a set of inputs; called concurrently for the parts
     */
    public Outputs run(Signature signature, Map<String, Tensor> inputs, Function<Map<String, Tensor>, Outputs> call) {
        if (minRows == 0) {
            return call.apply(inputs);
        }
        try {
            long rows = running.incrementAndGet() == 1 && !disabled.get() ? splittableRows(signature, inputs) : -1;
            int parts = (int) Math.min(CORES, rows / minRows);
            if (parts < 2) {
                return call.apply(inputs);
            }
            boolean split = choice.split();
            long start = System.nanoTime();
            Outputs outputs = split ? split(inputs, parts, call) : call.apply(inputs);
            choice.record(split, (System.nanoTime() - start) / (double) rows);
            return outputs;
        } finally {
            running.decrementAndGet();
        }
    }

    /**
     * Whether splitting pays for a model, measured: the first large calls alternate between split and
     * whole until each way has {@link #TRIALS} timings, then the way with the lower median time per row
     * over its last {@link #WINDOW} calls is taken, and one call in {@link #RECHECK} goes the other way
     * to follow changes (a busier machine, other batch sizes). A While-loop LSTM on TensorFlow gains
     * 1.7× from splitting; a CNN whose convolutions TensorFlow already spreads over both cores gains
     * nothing, and a small FFNN loses a little (BENCHMARKS.md), so no fixed rule fits every model.
     * Thread-safe (only calls running alone get here, so the lock is uncontended).
     */
    private static final class Choice {
        private static final int TRIALS = 3;
        private static final int WINDOW = 5;
        private static final int RECHECK = 32;
        private final double[][] nanosPerRow = new double[2][WINDOW];
        private final int[] count = new int[2];
        private long decisions;

        synchronized boolean split() {
            decisions++;
            if (count[0] < TRIALS || count[1] < TRIALS) {
                return count[1] <= count[0];
            }
            boolean better = median(1) <= median(0);
            return decisions % RECHECK == 0 ? !better : better;
        }

        synchronized void record(boolean split, double nanos) {
            int way = split ? 1 : 0;
            nanosPerRow[way][count[way] % WINDOW] = nanos;
            count[way]++;
        }

        private double median(int way) {
            double[] recent = Arrays.copyOf(nanosPerRow[way], Math.min(count[way], WINDOW));
            Arrays.sort(recent);
            return recent[recent.length / 2];
        }
    }

    /** The rows every input has along a declared batch dimension, or -1 if the inputs cannot be cut. */
    private long splittableRows(Signature signature, Map<String, Tensor> inputs) {
        long rows = -1;
        for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
            Shape declared = signature.input(input.getKey()).map(TensorSpec::shape).orElse(null);
            boolean batchFirst = declared != null && (declared.isUnknownRank() ? unknownRankIsBatchFirst
                    : declared.rank() > 0 && declared.dim(0) == Shape.UNKNOWN);
            Tensor tensor = input.getValue();
            if (!batchFirst || tensor.shape().rank() == 0) {
                return -1;
            }
            long first = tensor.shape().dim(0);
            if (rows >= 0 && first != rows) {
                return -1;
            }
            rows = first;
        }
        return rows;
    }

    private Outputs split(Map<String, Tensor> inputs, int parts, Function<Map<String, Tensor>, Outputs> call) {
        long rows = inputs.values().iterator().next().shape().dim(0);
        List<Part> work = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            long from = rows * i / parts;
            long to = rows * (i + 1) / parts;
            Map<String, Tensor> slice = new LinkedHashMap<>();
            inputs.forEach((name, tensor) -> slice.put(name, tensor.sliceView(from, to)));
            work.add(new Part(slice, to - from, call));
        }
        ExecutorService threads = pool();
        for (int i = 1; i < parts; i++) {
            Part part = work.get(i);
            threads.execute(part::claimAndRun);
        }
        for (Part part : work) {
            part.claimAndRun();
        }
        List<Outputs> results = new ArrayList<>(parts);
        for (Part part : work) {
            results.add(part.join());
        }
        Map<String, Tensor> joined = new LinkedHashMap<>();
        for (String name : results.get(0).names()) {
            List<Tensor> pieces = new ArrayList<>(parts);
            for (int i = 0; i < parts; i++) {
                Tensor piece = results.get(i).get(name);
                if (piece.shape().rank() == 0 || piece.shape().dim(0) != work.get(i).rows) {
                    if (disabled.compareAndSet(false, true)) {
                        LOG.warn("event=row_split_off model={} output={} shape={} expected_rows={} reason=\"the output is not "
                                + "row-wise, so calls on this model are no longer split\"", what, name, piece.shape(), work.get(i).rows);
                    }
                    return call.apply(inputs);
                }
                pieces.add(piece);
            }
            joined.put(name, Tensor.concat(pieces));
        }
        return new Outputs(joined);
    }

    private static ExecutorService pool() {
        ExecutorService threads = pool;
        if (threads == null) {
            synchronized (RowSplit.class) {
                threads = pool;
                if (threads == null) {
                    threads = Executors.newFixedThreadPool(CORES - 1, runnable -> {
                        Thread thread = new Thread(runnable, "mlj-rows-" + THREAD_NUMBER.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
                    pool = threads;
                }
            }
        }
        return threads;
    }

    /** One part: run exactly once, by whichever thread claims it first (a pool thread or the caller). */
    private static final class Part {
        final Map<String, Tensor> inputs;
        final long rows;
        final Function<Map<String, Tensor>, Outputs> call;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<Outputs> result = new CompletableFuture<>();

        Part(Map<String, Tensor> inputs, long rows, Function<Map<String, Tensor>, Outputs> call) {
            this.inputs = inputs;
            this.rows = rows;
            this.call = call;
        }

        /** The part's outputs once it has run; its exception as thrown, if it failed. */
        Outputs join() {
            try {
                return result.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }

        void claimAndRun() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                result.complete(call.apply(inputs));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }
    }
}
