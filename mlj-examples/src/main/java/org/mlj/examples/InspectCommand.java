package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.BundleManifest.ImagePreprocessing;
import org.mlj.api.bundle.BundleManifest.Preprocessing;
import org.mlj.api.bundle.BundleManifest.TextPreprocessing;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlj inspect}: what {@code saved_model_cli show --all} prints, for every format mlj loads. */
@Command(name = "inspect", usageHelpAutoWidth = true,
        header = "Shows the signatures, layers and manifest of a model.",
        description = {"Shows what a model is, like saved_model_cli show --all: format, chosen",
                "backend, signatures with ordered inputs and outputs, layers, backend",
                "details and, for a bundle, its manifest (versions, labels, preprocessing,",
                "metrics). Reads SavedModel directories, .keras and .h5 files, Keras",
                "architecture .json files (--weights), frozen GraphDef .pb files (--outputs)",
                "and bundles.",
                ""})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    @Mixin
    LegacyFormatOptions legacy;

    @Parameters(paramLabel = "PATH", arity = "0..1",
            description = "SavedModel directory, .keras, .h5, Keras architecture .json or frozen GraphDef .pb file, or mlj bundle directory.")
    Path path;

    @Option(names = "--options", description = "List every backend's load options (key, type, default, meaning) and exit.")
    boolean options;

    private final ModelLoader loader;

    @Inject
    InspectCommand(ModelLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (options) {
            printOptions(out);
            return 0;
        }
        if (path == null) {
            throw new ParameterException(spec.commandLine(), "Missing required parameter: 'PATH' (or give --options)");
        }
        ModelSource source = ModelSource.of(path);
        String capable = loader.backends().stream().filter(b -> b.canLoad(source)).map(Backend::name)
                .collect(Collectors.joining(", "));
        try (Model model = loader.load(path, legacy.applyTo(backend.loadOptions()).build())) {
            new TextTable()
                    .row("Model:", model.source())
                    .row("Format:", model.format().description())
                    .row("Backend:", model.backend() + " (can load it: " + capable + ")")
                    .print(out, "");
            for (Signature signature : model.signatures()) {
                out.println();
                out.println("Signature '" + signature.name() + "'" + (signature == model.signature() ? " (default)" : "") + ":");
                printSpecs(out, "inputs", signature.inputs());
                printSpecs(out, "outputs", signature.outputs());
            }
            printLayers(out, model);
            printMap(out, "Details:", model.details());
            source.manifest().ifPresent(manifest -> printManifest(out, manifest));
        }
        return 0;
    }

    private void printOptions(PrintWriter out) {
        for (Backend each : loader.backends()) {
            out.println("Load options of backend " + each.name() + " (" + each.artifact() + "):");
            if (each.options().isEmpty()) {
                out.println("  (none)");
            }
            each.options().forEach(option -> out.println("  " + option));
        }
        out.println("Give them with --option KEY=VALUE (API: LoadOptions.builder().option(key, value)).");
    }

    private static void printSpecs(PrintWriter out, String title, List<TensorSpec> specs) {
        out.println("  " + title + ":");
        TextTable table = new TextTable();
        for (TensorSpec spec : specs) {
            table.row(spec.name(), spec.dtype(), spec.shape(), spec.layout(), spec.optional() ? "optional" : null);
        }
        table.print(out, "    ");
    }

    private static void printLayers(PrintWriter out, Model model) {
        out.println();
        out.println("Layers (" + model.layers().size() + "), layer outputs "
                + model.layerOutputsUnsupportedReason().map(reason -> "unavailable: " + reason).orElse("available") + ":");
        TextTable table = new TextTable();
        for (LayerInfo layer : model.layers()) {
            table.row(layer.name(), layer.className(), layer.dtype(), layer.outputShape());
        }
        table.print(out, "  ");
    }

    private static void printMap(PrintWriter out, String title, Map<String, ?> entries) {
        out.println();
        out.println(title);
        TextTable table = new TextTable();
        entries.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> table.row(e.getKey(), e.getValue()));
        table.print(out, "  ");
    }

    private static void printManifest(PrintWriter out, BundleManifest manifest) {
        out.println();
        out.println("Manifest (" + manifest.directory().resolve("mlj.json") + "):");
        TextTable table = new TextTable()
                .row("name", manifest.name())
                .row("description", manifest.description())
                .row("created", manifest.created())
                .row("versions", join(manifest.versions()))
                .row("files", join(manifest.files()))
                .row("labels", manifest.labels() == null ? "(none)" : String.join(", ", manifest.labels()));
        Preprocessing preprocessing = manifest.preprocessing();
        if (preprocessing != null && preprocessing.image() != null) {
            table.row("image input", describe(preprocessing.image()));
        }
        if (preprocessing != null && preprocessing.text() != null) {
            table.row("text input", describe(preprocessing.text()));
        }
        String title = "metrics";
        for (Map.Entry<String, Object> metric : new TreeMap<>(manifest.metrics()).entrySet()) {
            table.row(title, metric.getKey() + " " + metric.getValue());
            title = null;
        }
        table.row("reference", manifest.referenceBatches().stream().map(p -> p.getFileName().toString())
                        .collect(Collectors.joining(", ")))
                .print(out, "  ");
    }

    private static String describe(ImagePreprocessing image) {
        return image.height() + "x" + image.width() + "x" + image.channels() + ", " + image.scale() + ", background "
                + image.background() + ", range " + image.range();
    }

    private static String describe(TextPreprocessing text) {
        return text.vocabulary() + " (" + text.vocabularySize() + " ids), lowercase " + text.lowercase() + ", strip "
                + text.strip() + ", tokens " + text.tokenPattern() + ", max_length " + text.maxLength() + ", padding "
                + text.padding() + ", truncating " + text.truncating() + ", pad_id " + text.padId() + ", oov_id " + text.oovId();
    }

    private static String join(Map<String, ?> entries) {
        return entries.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
