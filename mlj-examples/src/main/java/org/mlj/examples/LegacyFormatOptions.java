package org.mlj.examples;

import java.nio.file.Path;
import java.util.List;
import org.mlj.api.LoadOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --weights} and {@code --outputs} options of the commands that load a model by path: what
 * the legacy formats need besides the path (a Keras architecture JSON's weights file, a frozen
 * GraphDef's output tensors), passed on as backend load options. The CLI compiles against mlj-api only
 * (the backends are runtime dependencies), so the option keys are spelled here.
 */
final class LegacyFormatOptions {
    /** The dl4j backend's load option for the weights file of an architecture JSON. */
    static final String WEIGHTS_OPTION = "dl4j.weights";
    /** The tensorflow backend's load option for the outputs of a frozen GraphDef. */
    static final String OUTPUTS_OPTION = "tensorflow.outputs";

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Weights file (save_weights: weights.h5, model.weights.h5) of a Keras architecture .json model (dl4j).")
    Path weights;

    @Option(names = "--outputs", split = ",", paramLabel = "NAME",
            description = "Output tensors of a TensorFlow frozen GraphDef .pb, comma-separated (default: the graph's sinks).")
    List<String> outputs = List.of();

    /** {@code builder} with the load options these flags set. */
    LoadOptions.Builder applyTo(LoadOptions.Builder builder) {
        if (weights != null) {
            builder.option(WEIGHTS_OPTION, weights.toAbsolutePath().toString());
        }
        if (!outputs.isEmpty()) {
            builder.option(OUTPUTS_OPTION, String.join(",", outputs));
        }
        return builder;
    }
}
