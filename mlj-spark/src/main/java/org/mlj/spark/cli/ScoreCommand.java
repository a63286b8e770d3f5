package org.mlj.spark.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mlj.spark.MljModelTransformer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mlj spark-score}: scores a Parquet file with an mlj model through {@link MljModelTransformer}
 * and writes the scored rows (input columns dropped unless {@code --keep-input}) to Parquet.
 */
@Command(name = "score", description = "Scores a Parquet file with an mlj model on Spark and writes the scores to Parquet.")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model: bundle directory, SavedModel, .keras or .h5 "
            + "(local, shared file system, or the name of a file shipped with --files).")
    String model;

    @Option(names = "--input", required = true, description = "Parquet file or directory to score.")
    String input;

    @Option(names = "--output", required = true, description = "Parquet directory to write (replaced if it exists).")
    String output;

    @Option(names = "--master", description = "Spark master, e.g. local[2] (default: local[*], or what spark-submit set).")
    String master;

    @Option(names = "--backend", description = "tensorflow or dl4j (default: mlj's choice).")
    String backend;

    @Option(names = "--input-col", defaultValue = "pixels", split = ",", description = "Column feeding the model's input, "
            + "or input=column pairs (default ${DEFAULT-VALUE}; e.g. png for image files, text for the review model).")
    List<String> inputCols;

    @Option(names = "--batch-size", defaultValue = "256", description = "Rows per model call (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", description = "Repartition the input into this many partitions first.")
    Integer partitions;

    @Option(names = "--keep-input", description = "Keep the input columns in the output.")
    boolean keepInput;

    @Option(names = "--on-bad-row", defaultValue = "fail", description = "fail (default) or null: null outputs and an mlj_error column.")
    String onBadRow;

    @Override
    public Integer call() {
        SparkSession spark = MljSparkCommand.session(master, "mlj spark-score");
        try {
            Dataset<Row> rows = spark.read().parquet(input);
            if (partitions != null) {
                rows = rows.repartition(partitions);
            }
            MljModelTransformer transformer = new MljModelTransformer().setModelPath(model).setBatchSize(batchSize)
                    .setOnBadRow(onBadRow);
            if (backend != null) {
                transformer.setBackend(backend);
            }
            transformer.set(transformer.inputCols(), inputCols.toArray(new String[0]));
            long start = System.nanoTime();
            Dataset<Row> scored = transformer.transform(rows);
            if (!keepInput) {
                scored = scored.drop(inputColumns().toArray(new String[0]));
            }
            scored.write().mode("overwrite").parquet(output);
            double seconds = (System.nanoTime() - start) / 1e9;
            Dataset<Row> written = spark.read().parquet(output).cache();
            long count = written.count();
            System.out.printf("Scored %d rows of %s with %s on %s in %.1f s (%.0f rows/s) -> %s%n", count, input, model,
                    spark.sparkContext().master(), seconds, count / seconds, output);
            System.out.println("Columns: " + String.join(", ", written.columns()));
            if (Arrays.asList(written.columns()).containsAll(List.of("label", "prediction"))) {
                long correct = written.filter("label = prediction").count();
                System.out.printf("Accuracy against column 'label': %.4f (%d of %d)%n", correct / (double) count, correct, count);
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    private List<String> inputColumns() {
        List<String> columns = new ArrayList<>();
        for (String entry : inputCols) {
            int eq = entry.indexOf('=');
            columns.add(eq < 0 ? entry : entry.substring(eq + 1));
        }
        return columns;
    }
}
