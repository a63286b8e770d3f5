package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlj.api.bundle.DigitImages;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlj activations}: draws what every layer of the MNIST CNN computes for one picture. */
@Command(name = "activations", usageHelpAutoWidth = true,
        header = "Draws every layer's output for one digit picture.",
        description = {"Runs every layer of models/mnist_<model> on one picture (prepared as for",
                "'mlj digits') and writes one PNG per layer (convolution and pooling: one",
                "tile per channel; dense and flatten: a bar strip) and an index.html.",
                ""})
final class ActivationsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    @Mixin
    MnistModelOption model;

    @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "Picture of one digit.")
    Path image;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the PNGs and index.html (created if missing).")
    Path out;

    private final ModelLoader loader;
    private final Workspace workspace;
    private final ActivationRenderer renderer;

    @Inject
    ActivationsCommand(ModelLoader loader, Workspace workspace, ActivationRenderer renderer) {
        this.loader = loader;
        this.workspace = workspace;
        this.renderer = renderer;
    }

    @Override
    public Integer call() throws IOException {
        Path bundle = workspace.model(model.bundleName());
        BundleManifest manifest = BundleManifest.read(bundle);
        Tensor input = DigitImages.of(manifest).tensor(List.of(image));
        PrintWriter console = spec.commandLine().getOut();
        try (Model loaded = loader.load(bundle, backend.loadOptions().build())) {
            Map<String, Tensor> inputs = Map.of(loaded.signature().requiredInputs().get(0).name(), input);
            ClassScores.Score best = ClassScores.of(loaded.predict(input), 0, manifest.labels()).best();
            List<LayerInfo> layers = loaded.layers();
            String title = manifest.name() + " on " + image.getFileName() + ": " + best + " (" + loaded.backend() + ")";
            Outputs activations = loaded.layerOutputs(inputs, layers.stream().map(LayerInfo::name).toList());
            List<Path> files = renderer.render(out, title, input, layers, activations);
            console.println(title);
            files.forEach(file -> console.println("wrote " + file));
        }
        return 0;
    }
}
