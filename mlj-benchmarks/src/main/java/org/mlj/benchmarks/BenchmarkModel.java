package org.mlj.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mlj.api.LoadOptions;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;

/**
 * The three committed example bundles the benchmarks run, with their real held-out reference inputs.
 * Bundles are found under {@code models/} of the repository root, given by the system property
 * {@code mlj.root} (default: the working directory). Immutable and thread-safe.
 */
public enum BenchmarkModel {
    /** {@code models/mnist_ffnn}: {@code pixels} float32 [?, 784]. */
    FFNN("mnist_ffnn", "pixels"),
    /** {@code models/mnist_cnn}: {@code image} float32 [?, 28, 28, 1]. */
    CNN("mnist_cnn", "image"),
    /** {@code models/imdb_lstm}: {@code tokens} int32 [?, 200]. */
    LSTM("imdb_lstm", "tokens");

    private static final AtomicBoolean CELL_WARMED = new AtomicBoolean();

    private final String directory;
    private final String inputName;

    BenchmarkModel(String directory, String inputName) {
        this.directory = directory;
        this.inputName = inputName;
    }

    /**
     * Load options for mlj on {@code backend}: the backend's defaults, plus the {@code key=value} pairs
     * of the system property {@code mlj.bench.options} (comma-separated; bench.sh passes
     * {@code MLJ_BENCH_LOAD_OPTIONS}), for timing another thread policy, e.g. {@code tensorflow.splitRows=0}.
     */
    public static LoadOptions loadOptions(String backend) {
        LoadOptions.Builder builder = LoadOptions.builder().backend(backend);
        String extra = System.getProperty("mlj.bench.options", "").trim();
        if (!extra.isEmpty()) {
            for (String pair : extra.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("mlj.bench.options: expected key=value pairs, got '" + pair + "'");
                }
                builder.option(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return builder.build();
    }

    /**
     * Runs all paths of a table cell in turn, for {@code mlj.bench.cellWarmupMs} milliseconds (default
     * 2000) and once per JVM, before the first of them is measured. Each cell's benchmarks share one JVM
     * ({@code -f 0}) and JMH runs them one after the other, so without this the one measured first pays
     * for compiling the shared code: the dl4j CNN at batch 1 measured 1.68× raw from arrays (first, cold)
     * but 1.00× prebuilt (second).
     */
    public static void warmCell(Runnable... paths) {
        if (CELL_WARMED.getAndSet(true)) {
            return;
        }
        long end = System.nanoTime() + Long.getLong("mlj.bench.cellWarmupMs", 2000) * 1_000_000L;
        do {
            for (Runnable path : paths) {
                path.run();
            }
        } while (System.nanoTime() < end);
    }

    /** The bundle directory. */
    public Path bundle() {
        return Path.of(System.getProperty("mlj.root", ".")).resolve("models").resolve(directory);
    }

    /** The name of the model's one input. */
    public String inputName() {
        return inputName;
    }

    /**
     * The bundle's 32 reference input rows ({@code reference/batch_32/inputs}), repeated along the
     * first dimension to {@code batch} rows.
     */
    public Tensor input(int batch) {
        Path file = bundle().resolve("reference/batch_32/inputs/" + inputName + ".npy");
        Tensor rows;
        try {
            rows = NpyFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the reference input " + file, e);
        }
        int count = Math.toIntExact(rows.shape().dim(0));
        int rowBytes = rows.buffer().remaining() / count;
        ByteBuffer tiled = Tensor.allocate(rows.dtype(), rows.size() / count * batch);
        for (int row = 0; row < batch; row++) {
            ByteBuffer source = rows.buffer();
            source.position(row % count * rowBytes).limit((row % count + 1) * rowBytes);
            tiled.put(source);
        }
        return Tensor.wrap(rows.dtype(), rows.shape().withFirstDim(batch), tiled.clear());
    }

    /**
     * Checks that a raw baseline computes what mlj computes, so that a benchmark compares equal work.
     *
     * @throws IllegalStateException if the outputs differ in length or by more than 1e-5 anywhere
     */
    public void requireSameOutputs(float[] raw, float[] mlj) {
        if (raw.length != mlj.length) {
            throw new IllegalStateException(name() + ": raw output has " + raw.length + " values, mlj " + mlj.length);
        }
        for (int i = 0; i < raw.length; i++) {
            if (Math.abs(raw[i] - mlj[i]) > 1e-5f) {
                throw new IllegalStateException(name() + ": raw and mlj outputs differ at " + i + ": " + raw[i] + " vs " + mlj[i]);
            }
        }
    }
}
