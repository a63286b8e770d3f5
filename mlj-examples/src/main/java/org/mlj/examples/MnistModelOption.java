package org.mlj.examples;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --model ffnn|cnn} option of the commands that run a bundled MNIST model. */
final class MnistModelOption {
    private static final List<String> MODELS = List.of("ffnn", "cnn");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "cnn", paramLabel = "ffnn|cnn",
            description = "The MNIST model: ffnn (dense layers) or cnn (LeNet-5). Default: ${DEFAULT-VALUE}.")
    String name;

    /** The bundle's name under {@code models/}: {@code mnist_ffnn} or {@code mnist_cnn}. */
    String bundleName() {
        if (!MODELS.contains(name)) {
            throw new ParameterException(spec.commandLine(), "Unknown model '" + name + "'; expected one of " + MODELS);
        }
        return "mnist_" + name;
    }
}
