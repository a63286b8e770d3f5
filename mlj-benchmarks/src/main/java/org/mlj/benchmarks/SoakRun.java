package org.mlj.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;

/**
 * The memory soak: FFNN batch-1 predictions through {@code mlj-tensorflow}, as an application makes
 * them (each call builds its input from a {@code float[]} of one of the 32 reference digits and
 * copies the probabilities out), reading the process RSS ({@code VmRSS} of {@code /proc/self/status})
 * after a warm-up, every 100,000 predictions and at the end.
 *
 * <p>Usage: {@code SoakRun PREDICTIONS RESULT_JSON}. Run it with a fixed, pre-touched heap
 * ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}, as bench.sh does), so that RSS growth means native
 * memory, not the Java heap expanding. Writes {@code {"predictions", "warmup_predictions",
 * "rss_warmup_mb", "rss_end_mb", "rss_peak_mb", "seconds"}}.
 */
public final class SoakRun {
    private static final int WARMUP_PREDICTIONS = 20_000;
    private static final int REPORT_EVERY = 100_000;

    private SoakRun() {
    }

    /** Runs the soak; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SoakRun PREDICTIONS RESULT_JSON");
            System.exit(2);
        }
        long predictions = Long.parseLong(args[0]);
        BenchmarkModel ffnn = BenchmarkModel.FFNN;
        Tensor digits = ffnn.input(32);
        float[][] rows = new float[32][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = digits.slice(i, i + 1).toFloatArray();
        }
        try (Model model = Models.load(ffnn.bundle(), LoadOptions.builder().backend("tensorflow").build())) {
            for (int i = 0; i < WARMUP_PREDICTIONS; i++) {
                predict(model, ffnn.inputName(), rows[i % rows.length]);
            }
            double warmupRss = rssMegabytes();
            double peakRss = warmupRss;
            System.out.printf("soak: RSS %.1f MB after %,d warm-up predictions%n", warmupRss, WARMUP_PREDICTIONS);
            long start = System.nanoTime();
            for (long done = 1; done <= predictions; done++) {
                predict(model, ffnn.inputName(), rows[(int) (done % rows.length)]);
                if (done % REPORT_EVERY == 0 || done == predictions) {
                    double rss = rssMegabytes();
                    peakRss = Math.max(peakRss, rss);
                    System.out.printf("soak: RSS %.1f MB after %,d predictions (%+.1f MB, %.3f ms/prediction)%n", rss, done,
                            rss - warmupRss, (System.nanoTime() - start) / 1e6 / done);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("predictions", predictions);
            result.put("warmup_predictions", WARMUP_PREDICTIONS);
            result.put("rss_warmup_mb", warmupRss);
            result.put("rss_end_mb", rssMegabytes());
            result.put("rss_peak_mb", peakRss);
            result.put("seconds", seconds);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of(args[1]).toFile(), result);
        }
    }

    /** One prediction from a Java array to a Java array. */
    private static float[] predict(Model model, String inputName, float[] pixels) {
        Outputs outputs = model.predict(Map.of(inputName, Tensor.ofFloats(pixels, 1, pixels.length)));
        return outputs.first().toFloatArray();
    }

    /** The resident set size of this process, from {@code /proc/self/status}. */
    private static double rssMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("/proc/self/status has no VmRSS line (is this Linux?)");
    }
}
