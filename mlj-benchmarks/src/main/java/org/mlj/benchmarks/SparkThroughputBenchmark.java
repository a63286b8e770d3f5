package org.mlj.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.TextTokenizer;
import org.mlj.spark.MljModelTransformer;
import org.mlj.spark.data.ImdbReviews;
import org.mlj.spark.data.MnistDigits;

/**
 * Rows per second of {@link MljModelTransformer} for the FFNN, CNN and LSTM bundles at batch sizes 1,
 * 64 and 256, under {@code local[1]} and {@code local[2]}, against the in-process single-thread rate of
 * {@code Model.predict} on the same rows (one intra-op and one inter-op thread, as a local[1] executor
 * gets). Each cell is the best of {@link #REPEATS} passes over a cached DataFrame of {@link #PARTITIONS}
 * partitions, after a warm-up pass; Spark's {@code noop} sink forces every output column. Prints a
 * Markdown table and one met/missed line per target. Run by {@code mlj-benchmarks/spark-bench.sh}.
 */
public final class SparkThroughputBenchmark {
    private static final int[] BATCHES = {1, 64, 256};
    private static final String[] MASTERS = {"local[1]", "local[2]"};
    private static final int PARTITIONS = 4;
    private static final int REPEATS = 2;

    private record Workload(String model, String column, int rows) {
    }

    private SparkThroughputBenchmark() {
    }

    /** {@code [backend]} (default tensorflow). */
    public static void main(String[] args) throws IOException {
        String backend = args.length > 0 ? args[0] : "tensorflow";
        Path models = Path.of(System.getProperty("mlj.root", ".")).resolve("models");
        List<Workload> workloads = List.of(new Workload("mnist_ffnn", "pixels", 10_000), new Workload("mnist_cnn", "pixels", 4_096),
                new Workload("imdb_lstm", "text", 2_048));
        List<MnistDigits.Digit> digits = MnistDigits.load();
        List<ImdbReviews.Review> reviews = ImdbReviews.first(2_048);

        Map<String, Double> rate = new LinkedHashMap<>();
        for (Workload work : workloads) {
            for (int batch : BATCHES) {
                rate.put(key(work.model(), "in-process", batch), inProcess(models.resolve(work.model()), backend, work, batch, digits, reviews));
            }
        }
        for (String master : MASTERS) {
            SparkSession spark = SparkSession.builder().master(master).appName("mlj spark benchmark")
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            try {
                for (Workload work : workloads) {
                    Dataset<Row> data = data(spark, work, digits, reviews).repartition(PARTITIONS).cache();
                    data.count();
                    MljModelTransformer transformer = new MljModelTransformer().setModelPath(models.resolve(work.model()).toString())
                            .setBackend(backend).setInputCol(work.column());
                    transformer.setBatchSize(64).transform(data).write().format("noop").mode("overwrite").save();
                    for (int batch : BATCHES) {
                        double best = 0;
                        for (int r = 0; r < REPEATS; r++) {
                            long start = System.nanoTime();
                            transformer.setBatchSize(batch).transform(data).write().format("noop").mode("overwrite").save();
                            best = Math.max(best, work.rows() / ((System.nanoTime() - start) / 1e9));
                        }
                        rate.put(key(work.model(), master, batch), best);
                        System.err.printf(Locale.ROOT, "spark-bench: %s %s batch %d: %.0f rows/s%n", work.model(), master, batch, best);
                    }
                    data.unpersist();
                }
            } finally {
                spark.stop();
            }
        }
        print(backend, workloads, rate);
    }

    private static Dataset<Row> data(SparkSession spark, Workload work, List<MnistDigits.Digit> digits, List<ImdbReviews.Review> reviews) {
        if (work.column().equals("text")) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < work.rows(); i++) {
                rows.add(RowFactory.create(reviews.get(i).text()));
            }
            return spark.createDataFrame(rows, new StructType().add("text", DataTypes.StringType));
        }
        return MnistDigits.toDataFrame(spark, digits.subList(0, work.rows()), false);
    }

    /** Single-thread rows/s of Model.predict, preparing each batch's tensor from the same row values. */
    private static double inProcess(Path model, String backend, Workload work, int batch, List<MnistDigits.Digit> digits,
                                    List<ImdbReviews.Review> reviews) {
        LoadOptions options = LoadOptions.builder().backend(backend).options("tensorflow".equals(backend) ? java.util.Map.of("tensorflow.intraOpThreads", 1, "tensorflow.interOpThreads", 1) : java.util.Map.of()).build();
        try (Model loaded = Models.load(model, options)) {
            String input = loaded.signature().requiredInputs().get(0).name();
            long[] example = loaded.signature().requiredInputs().get(0).shape().dims();
            TextTokenizer tokenizer = work.column().equals("text") ? TextTokenizer.of(BundleManifest.read(loaded.source())) : null;
            double best = 0;
            for (int pass = 0; pass <= REPEATS; pass++) {
                long start = System.nanoTime();
                for (int from = 0; from < work.rows(); from += batch) {
                    int n = Math.min(batch, work.rows() - from);
                    Tensor tensor;
                    if (tokenizer != null) {
                        tensor = tokenizer.encode(reviews.subList(from, from + n).stream().map(ImdbReviews.Review::text).toList());
                    } else {
                        float[] values = new float[n * MnistDigits.PIXELS];
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(digits.get(from + i).pixels(), 0, values, i * MnistDigits.PIXELS, MnistDigits.PIXELS);
                        }
                        long[] shape = example.clone();
                        shape[0] = n;
                        tensor = Tensor.ofFloats(values, shape);
                    }
                    loaded.predict(Map.of(input, tensor));
                }
                if (pass > 0) {
                    best = Math.max(best, work.rows() / ((System.nanoTime() - start) / 1e9));
                }
            }
            System.err.printf(Locale.ROOT, "spark-bench: %s in-process batch %d: %.0f rows/s%n", work.model(), batch, best);
            return best;
        }
    }

    private static String key(String model, String where, int batch) {
        return model + "|" + where + "|" + batch;
    }

    private static void print(String backend, List<Workload> workloads, Map<String, Double> rate) throws IOException {
        MachineDescription machine = MachineDescription.current();
        System.out.printf(Locale.ROOT, "Machine: %d processors, %s, %s, %s; %s; load average at the end %s%n", machine.processors(),
                machine.cpuModel(), machine.memory(), machine.java(), machine.date(), machine.loadAverage());
        System.out.printf(Locale.ROOT, "Backend %s; rows/s, best of %d passes over %d cached partitions%n%n", backend, REPEATS, PARTITIONS);
        System.out.println("| model | rows | batch | in-process, 1 thread | local[1] | local[2] | local[2] / local[1] | local[1] / in-process |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Workload work : workloads) {
            for (int batch : BATCHES) {
                double inProcess = rate.get(key(work.model(), "in-process", batch));
                double one = rate.get(key(work.model(), "local[1]", batch));
                double two = rate.get(key(work.model(), "local[2]", batch));
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f | %.2f | %.2f |%n", work.model(), work.rows(), batch,
                        inProcess, one, two, two / one, one / inProcess);
            }
        }
        System.out.println();
        for (Workload work : workloads) {
            double ratio = rate.get(key(work.model(), "local[2]", 256)) / rate.get(key(work.model(), "local[1]", 256));
            target(ratio >= 1.6, "%s batch 256: local[2] / local[1] = %.2f (target >= 1.6)", work.model(), ratio);
        }
        for (String master : MASTERS) {
            double ratio = rate.get(key("mnist_ffnn", master, 256)) / rate.get(key("mnist_ffnn", master, 1));
            target(ratio >= 5, "mnist_ffnn %s: batch 256 / batch 1 = %.2f (target >= 5)", master, ratio);
        }
        for (Workload work : workloads) {
            double ratio = rate.get(key(work.model(), "local[1]", 256)) / rate.get(key(work.model(), "in-process", 256));
            target(ratio >= 0.7, "%s batch 256: local[1] / in-process = %.2f (target >= 0.70)", work.model(), ratio);
        }
    }

    private static void target(boolean met, String format, Object... args) {
        System.out.println((met ? "met:    " : "MISSED: ") + String.format(Locale.ROOT, format, args));
    }
}
