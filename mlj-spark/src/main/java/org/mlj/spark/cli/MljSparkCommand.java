package org.mlj.spark.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The Spark commands of {@code ./mlj}: {@code spark-score} ({@link ScoreCommand}) and
 * {@code spark-digits} ({@link DigitsParquetCommand}). Its own main class, so Spark stays out of
 * mlj-examples; also the main class for {@code spark-submit}. Errors print one line (the deepest
 * cause's message) and exit 1; {@code --verbose} adds the stack trace.
 */
@Command(name = "mlj-spark", usageHelpAutoWidth = true,
        description = {"Scores Parquet files with mlj models on Apache Spark.", ""},
        subcommands = {ScoreCommand.class, DigitsParquetCommand.class})
public final class MljSparkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean verbose;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return spec.exitCodeOnInvalidInput();
    }

    /** Runs a command and exits with its code. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        CommandLine commandLine = new CommandLine(new MljSparkCommand()).setExecutionExceptionHandler((ex, command, parsed) -> {
            PrintWriter err = command.getErr();
            Throwable cause = ex;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            err.println("Error: " + (cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage().lines().findFirst().orElse("")));
            if (parsed.hasMatchedOption("--verbose")
                    || parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose")) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        int code = commandLine.execute(args);
        System.exit(code);
    }

    /**
     * A session for {@code master} (when null: the one spark-submit set, else {@code local[*]}); in
     * local mode bound to 127.0.0.1 with the UI off.
     */
    static SparkSession session(String master, String appName) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        String chosen = master != null ? master : System.getProperty("spark.master", "local[*]");
        builder.master(chosen);
        if (chosen.startsWith("local")) {
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
