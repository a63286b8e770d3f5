package org.mlj.benchmarks.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Tensor;
import org.mlj.benchmarks.BenchmarkModel;

/**
 * The yardstick of {@code ./mlj bench serve}: one thread calling {@code predict} on batch-1 reference
 * rows of one model, in process, for a fixed time after a warm-up. Writes
 * {@code {"model": ..., "backend": ..., "calls": n, "seconds": s, "per_second": r}} to a file.
 *
 * <p>{@code java org.mlj.benchmarks.serve.InProcessRate MODEL BACKEND WARMUP_SECONDS SECONDS OUT.json}
 */
public final class InProcessRate {
    private InProcessRate() {
    }

    /** Runs the measurement; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: InProcessRate FFNN|CNN|LSTM tensorflow|dl4j WARMUP_SECONDS SECONDS OUT.json");
        }
        BenchmarkModel which = BenchmarkModel.valueOf(args[0].toUpperCase(Locale.ROOT));
        String backend = args[1];
        double warmup = Double.parseDouble(args[2]);
        double seconds = Double.parseDouble(args[3]);
        Tensor rows = which.input(32);
        Tensor[] examples = new Tensor[32];
        for (int i = 0; i < examples.length; i++) {
            examples[i] = rows.slice(i, i + 1);
        }
        try (Model model = ModelLoader.fromClasspath().load(which.bundle(), LoadOptions.builder().backend(backend).build())) {
            run(model, which.inputName(), examples, (long) (warmup * 1e9));
            long start = System.nanoTime();
            long calls = run(model, which.inputName(), examples, (long) (seconds * 1e9));
            double elapsed = (System.nanoTime() - start) / 1e9;
            String json = String.format(Locale.ROOT, "{\"model\": \"%s\", \"backend\": \"%s\", \"calls\": %d, \"seconds\": %.3f, "
                    + "\"per_second\": %.1f}%n", which.name(), backend, calls, elapsed, calls / elapsed);
            Files.writeString(Path.of(args[4]), json, StandardCharsets.UTF_8);
        }
    }

    private static long run(Model model, String input, Tensor[] examples, long nanos) {
        long end = System.nanoTime() + nanos;
        long calls = 0;
        while (System.nanoTime() < end) {
            model.predict(Map.of(input, examples[(int) (calls % examples.length)]));
            calls++;
        }
        return calls;
    }
}
