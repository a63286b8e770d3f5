package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.DigitImages;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.bundle.TensorComparison;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.TextTokenizer;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mlj demo}: runs the bundled FFNN, CNN and LSTM with every backend that can load them, on the
 * sample digits and reviews, and checks each backend against the Python reference outputs.
 */
@Command(name = "demo", usageHelpAutoWidth = true,
        header = "Runs the bundled models with every backend and checks them against Python.",
        description = {"Runs models/mnist_ffnn, models/mnist_cnn and models/imdb_lstm with every",
                "backend on the classpath (or the one given with --backend) on the samples",
                "in samples/, and compares each backend's outputs on the bundle's",
                "reference/batch_32 inputs with Python's: 'agree' when the max abs diff is",
                "at most " + DemoCommand.TOLERANCE + ". Exits 1 if a backend fails or differs.",
                ""})
final class DemoCommand implements Callable<Integer> {
    static final double TOLERANCE = 1e-4;
    private static final String REFERENCE_BATCH = "batch_32";
    private static final int TEXT_WIDTH = 48;

    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    private final ModelLoader loader;
    private final Workspace workspace;

    @Inject
    DemoCommand(ModelLoader loader, Workspace workspace) {
        this.loader = loader;
        this.workspace = workspace;
    }

    /** A sample shown in the table: what it is and the label it should get. */
    private record Sample(String name, String expected) {
    }

    /** How one backend did on one model: its outputs on the samples and its distance to Python. */
    private record Run(Tensor predictions, double maxAbsDiff, String failure) {
        String verdict() {
            return failure != null ? "failed" : String.format(Locale.ROOT, "%s %.1e", maxAbsDiff <= TOLERANCE ? "agree" : "DIFFER", maxAbsDiff);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (loader.backends().isEmpty()) {
            spec.commandLine().getErr().println("Error: no mlj backend on the classpath; add org.mlj:mlj-tensorflow "
                    + "(SavedModels and bundles) or org.mlj:mlj-dl4j (.keras, .h5 and bundles) to run the demo");
            return 1;
        }
        List<Path> digits = digitSamples();
        List<Sample> digitSamples = digits.stream()
                .map(p -> new Sample("digits/" + p.getFileName(), p.getFileName().toString().split("_")[0])).toList();
        boolean ok = true;
        for (String name : List.of("mnist_ffnn", "mnist_cnn")) {
            BundleManifest manifest = BundleManifest.read(workspace.model(name));
            ok &= show(manifest, digitSamples, DigitImages.of(manifest).tensor(digits));
        }
        BundleManifest imdb = BundleManifest.read(workspace.model("imdb_lstm"));
        List<SampleReviews.Review> reviews = SampleReviews.read(workspace.sample("reviews.json"));
        List<Sample> reviewSamples = reviews.stream().map(r -> new Sample(abbreviate(r.text()), r.sentiment())).toList();
        ok &= show(imdb, reviewSamples, TextTokenizer.of(imdb).encode(reviews.stream().map(SampleReviews.Review::text).toList()));
        return ok ? 0 : 1;
    }

    private List<Path> digitSamples() throws IOException {
        Path dir = workspace.sample("digits");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> pngs = files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
            if (pngs.isEmpty()) {
                throw new IOException("No sample digits (*.png) in " + dir);
            }
            return pngs;
        }
    }

    /** Runs one bundle with each backend and prints its table; whether every backend ran and agreed. */
    private boolean show(BundleManifest manifest, List<Sample> samples, Tensor input) throws IOException {
        ModelSource source = ModelSource.of(manifest.directory());
        Map<String, Run> runs = new LinkedHashMap<>();
        for (Backend candidate : backends(source)) {
            runs.put(candidate.name(), run(manifest, candidate.name(), input));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println(manifest.name() + ": " + manifest.description() + accuracy(manifest));
        TextTable table = new TextTable();
        List<Object> header = new ArrayList<>(List.of("input", "expected"));
        header.addAll(runs.keySet());
        table.row(header.toArray());
        for (int i = 0; i < samples.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(samples.get(i).name(), samples.get(i).expected()));
            for (Run run : runs.values()) {
                row.add(run.failure() != null ? "-" : ClassScores.of(run.predictions(), i, manifest.labels()).best());
            }
            table.row(row.toArray());
        }
        List<Object> parity = new ArrayList<>(List.of("vs Python", REFERENCE_BATCH));
        runs.values().forEach(run -> parity.add(run.verdict()));
        table.row(parity.toArray());
        table.print(out, "  ");
        boolean ok = true;
        for (Map.Entry<String, Run> entry : runs.entrySet()) {
            Run run = entry.getValue();
            if (run.failure() != null) {
                out.println("  " + entry.getKey() + " failed: " + run.failure());
            }
            ok &= run.failure() == null && run.maxAbsDiff() <= TOLERANCE;
        }
        out.flush();
        return ok;
    }

    /**
     * The backend given with --backend, else every backend that can load the source; when there is
     * none, the loader's choice fails with the reason and the artifact to add.
     */
    private List<Backend> backends(ModelSource source) {
        List<Backend> capable = loader.backends().stream().filter(b -> b.canLoad(source)).toList();
        return backend.name == null && !capable.isEmpty() ? capable : List.of(loader.choose(source, backend.loadOptions().build()));
    }

    private Run run(BundleManifest manifest, String backendName, Tensor input) {
        try (Model model = loader.load(manifest.directory(), backend.loadOptions().backend(backendName).build())) {
            Tensor predictions = model.predict(input);
            return new Run(predictions, maxAbsDiff(model, manifest), null);
        } catch (RuntimeException e) {
            return new Run(null, Double.NaN, ErrorReporter.describe(e));
        }
    }

    /** The largest |backend - Python| over every output of the reference batch; infinite if a shape or dtype differs. */
    private static double maxAbsDiff(Model model, BundleManifest manifest) {
        ReferenceBatch batch = ReferenceBatch.read(manifest, REFERENCE_BATCH);
        Outputs outputs = model.predict(batch.inputs());
        double worst = 0;
        for (Map.Entry<String, Tensor> expected : batch.outputs().entrySet()) {
            try {
                worst = Math.max(worst, TensorComparison.of(outputs.get(expected.getKey()), expected.getValue()).maxAbsDiff());
            } catch (IllegalArgumentException shapeOrDtype) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return worst;
    }

    private static String accuracy(BundleManifest manifest) {
        Object accuracy = manifest.metrics().get("test_accuracy");
        return accuracy == null ? "" : " (test accuracy " + accuracy + ")";
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= TEXT_WIDTH ? '"' + line + '"' : '"' + line.substring(0, TEXT_WIDTH - 3) + "...\"";
    }
}
