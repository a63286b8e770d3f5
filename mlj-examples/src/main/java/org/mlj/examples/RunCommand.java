package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlj run}: runs a signature on {@code .npy} inputs and writes each output as {@code .npy}, like {@code saved_model_cli run}. */
@Command(name = "run", usageHelpAutoWidth = true,
        header = "Runs a model on .npy inputs and writes .npy outputs.",
        description = {"Runs a model on .npy inputs and writes one DIR/<name>.npy per output and",
                "per requested layer, keeping dtype and shape. Inputs may be float32,",
                "float64, int32, int64, uint8 or bool; a '/' in a name becomes '_'. Example:",
                "  mlj run --model models/mnist_cnn --inputs 'image=x.npy' --outdir out",
                "  mlj run --model topology.json --weights weights.h5 --inputs 'x=x.npy' --outdir out",
                "  mlj run --model frozen_model.pb --outputs logits,probs --inputs 'input=x.npy' --outdir out",
                ""})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    @Mixin
    LegacyFormatOptions legacy;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "SavedModel directory, .keras, .h5, Keras architecture .json or frozen GraphDef .pb file, or mlj bundle directory.")
    Path model;

    @Option(names = "--signature", paramLabel = "NAME", description = "Signature to run (default: the model's default signature).")
    String signature;

    @Option(names = "--inputs", required = true, paramLabel = "NAME=FILE[;NAME=FILE...]",
            description = "Input .npy files by input name, separated by ';'.")
    String inputs;

    @Option(names = "--outdir", required = true, paramLabel = "DIR", description = "Directory for the output .npy files (created if missing).")
    Path outdir;

    @Option(names = "--layers", split = ",", paramLabel = "LAYER", description = "Layers whose outputs to write as well, comma-separated.")
    List<String> layers = List.of();

    private final ModelLoader loader;

    @Inject
    RunCommand(ModelLoader loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() throws IOException {
        Map<String, Tensor> tensors = readInputs();
        LoadOptions options = legacy.applyTo(backend.loadOptions()).signature(signature).build();
        PrintWriter out = spec.commandLine().getOut();
        try (Model loaded = loader.load(model, options)) {
            Files.createDirectories(outdir);
            Outputs outputs = loaded.predict(loaded.signature().name(), tensors);
            write(outputs, out);
            if (!layers.isEmpty()) {
                Outputs activations = loaded.layerOutputs(tensors, layers);
                write(activations, out);
            }
        }
        return 0;
    }

    private Map<String, Tensor> readInputs() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String entry : inputs.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new ParameterException(spec.commandLine(), "Invalid --inputs entry '" + entry.strip()
                        + "': expected NAME=FILE.npy, entries separated by ';'");
            }
            String name = entry.substring(0, equals).strip();
            if (tensors.put(name, NpyFile.read(Path.of(entry.substring(equals + 1).strip()))) != null) {
                throw new ParameterException(spec.commandLine(), "Input '" + name + "' is given twice in --inputs");
            }
        }
        if (tensors.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--inputs names no input: expected NAME=FILE.npy[;NAME=FILE.npy...]");
        }
        return tensors;
    }

    private void write(Outputs outputs, PrintWriter out) throws IOException {
        for (Map.Entry<String, Tensor> output : outputs) {
            Path file = outdir.resolve(output.getKey().replace('/', '_') + ".npy");
            NpyFile.write(file, output.getValue());
            out.println(output.getKey() + ": " + output.getValue().dtype() + " " + output.getValue().shape() + " -> " + file);
        }
    }
}
