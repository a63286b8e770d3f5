package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.bundle.TensorComparison;
import org.mlj.api.testing.ModelFixtures;

/**
 * Layer-zoo models that the dl4j backend runs, loaded from the plain Keras files a user has — the
 * Keras 3 {@code .keras} and, where Keras itself can read it back, the legacy {@code .h5} — rather
 * than the bundle, against the bundle's Python references (outputs and every layer), within 1e-5
 * abs + 1e-5 rel. The parity suite covers the bundles on both backends; this covers the file routes
 * (Conv1D, DepthwiseConv2D/SeparableConv2D from {@code .h5}, masks through op nodes).
 */
class Dl4jBackendZooTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-5;
    private static final LoadOptions DL4J = LoadOptions.builder().backend("dl4j").build();

    static Stream<Arguments> files() {
        List<Arguments> files = new ArrayList<>();
        for (String name : List.of("conv1d", "text_cnn", "mobilenet_like", "conv2d", "embedding_masked_lstm", "masking_rnn",
                "dense_activations", "batch_norm", "pooling_1d", "reshape_ops", "gru", "layer_norm", "bidirectional", "dense_gelu")) {
            for (String file : List.of("model.keras", "model.h5")) {
                if (Files.isRegularFile(ModelFixtures.model("zoo/" + name).resolve(file))) {
                    files.add(Arguments.of(name, file));
                }
            }
        }
        return files.stream();
    }

    @ParameterizedTest(name = "zoo/{0}/{1}")
    @MethodSource("files")
    void matchesPython(String name, String file) {
        Path bundle = ModelFixtures.model("zoo/" + name);
        List<String> failures = new ArrayList<>();
        try (Model model = Models.load(bundle.resolve(file), DL4J)) {
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                Outputs outputs = model.predict(batch.inputs());
                for (Map.Entry<String, Tensor> expected : batch.outputs().entrySet()) {
                    check(batch.name() + " output " + expected.getKey(), outputs.get(expected.getKey()), expected.getValue(), failures);
                }
                Outputs layers = model.layerOutputs(batch.inputs(), List.copyOf(batch.layers().keySet()));
                for (Map.Entry<String, Tensor> expected : batch.layers().entrySet()) {
                    check(batch.name() + " layer " + expected.getKey(), layers.get(expected.getKey()), expected.getValue(), failures);
                }
            }
        }
        assertThat(failures).as("zoo/" + name + "/" + file + " on dl4j vs Python").isEmpty();
    }

    private static void check(String what, Tensor actual, Tensor expected, List<String> failures) {
        TensorComparison comparison;
        try {
            comparison = TensorComparison.of(actual, expected);
        } catch (IllegalArgumentException e) {
            failures.add(what + ": " + e.getMessage());
            return;
        }
        double[] a = actual.toDoubles();
        double[] e = expected.toDoubles();
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - e[i]) > ATOL + RTOL * Math.abs(e[i])) {
                failures.add(what + ": max abs diff " + comparison.maxAbsDiff() + " (element " + i + ": " + a[i] + " vs " + e[i] + ")");
                return;
            }
        }
    }
}
