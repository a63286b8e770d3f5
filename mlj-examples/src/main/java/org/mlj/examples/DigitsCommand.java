package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mlj.api.bundle.DigitImages;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlj digits}: classifies pictures of handwritten digits with the bundled MNIST models. */
@Command(name = "digits", usageHelpAutoWidth = true,
        header = "Reads handwritten digits from pictures (MNIST).",
        description = {"Classifies pictures of handwritten digits (PNG, JPEG, GIF, BMP) with",
                "models/mnist_<model> and prints the digit and the top-3 probabilities.",
                "",
                "Each picture becomes what the models were trained on: a white digit on",
                "black, 28x28 pixels, values pixel / 255.",
                "  1. Gray level of each pixel: gray pictures as stored, colour ones by",
                "     luminance 0.299 R + 0.587 G + 0.114 B; transparent pixels count as",
                "     white paper.",
                "  2. A light picture (mean gray level > 0.5: dark ink on paper) is inverted.",
                "  3. The longer side is scaled to 28 pixels by area averaging, keeping the",
                "     aspect ratio, and the result is centred on black.",
                "MNIST digits fill the centre 20x20 pixels: leave a margin around the digit.",
                ""})
final class DigitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    @Mixin
    MnistModelOption model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Pictures of one digit each.")
    List<Path> images;

    private final ModelLoader loader;
    private final Workspace workspace;

    @Inject
    DigitsCommand(ModelLoader loader, Workspace workspace) {
        this.loader = loader;
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws IOException {
        Path bundle = workspace.model(model.bundleName());
        BundleManifest manifest = BundleManifest.read(bundle);
        Tensor input = DigitImages.of(manifest).tensor(images);
        PrintWriter out = spec.commandLine().getOut();
        try (Model loaded = loader.load(bundle, backend.loadOptions().build())) {
            Tensor probabilities = loaded.predict(input);
            TextTable table = new TextTable();
            for (int i = 0; i < images.size(); i++) {
                ClassScores scores = ClassScores.of(probabilities, i, manifest.labels());
                table.row(images.get(i) + ":", scores.best().label(),
                        scores.top(3).stream().map(ClassScores.Score::toString).collect(Collectors.joining("  ")));
            }
            table.print(out, "");
        }
        return 0;
    }
}
