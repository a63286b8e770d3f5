package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mlj.api.testing.TensorAssertions.assertClose;
import static org.mlj.api.testing.TensorAssertions.assertOutputsClose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.InvalidInputException;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.bundle.TensorComparison;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the committed fixtures through the TensorFlow backend and compares with the Python references. */
class TensorFlowModelTest {
    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowModelTest.class);

    static Stream<Arguments> bundles() {
        return Stream.of(Arguments.of("mnist_ffnn", 1e-6), Arguments.of("mnist_cnn", 1e-6), Arguments.of("imdb_lstm", 1e-5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void outputsMatchPythonAtEveryReferenceBatch(String name, double tolerance) {
        Path bundle = ModelFixtures.model(name);
        List<ReferenceBatch> batches = ModelFixtures.references(bundle);
        assertThat(batches).extracting(ReferenceBatch::size).containsExactly(1L, 32L);
        try (Model model = Models.load(bundle)) {
            assertThat(model.backend()).isEqualTo("tensorflow");
            for (ReferenceBatch batch : batches) {
                Outputs outputs = model.predict(batch.inputs());
                assertOutputsClose(outputs, batch.outputs(), tolerance, name + " " + batch.name());
                batch.outputs().forEach((output, expected) -> LOG.info("{} {} {}: max abs diff {}", name, batch.name(), output,
                        TensorComparison.of(outputs.get(output), expected).maxAbsDiff()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void signatureFollowsTheManifest(String name, double tolerance) {
        try (Model model = Models.load(ModelFixtures.model(name))) {
            BundleManifest manifest = BundleManifest.read(ModelFixtures.model(name));
            assertThat(model.signature().name()).isEqualTo("serving_default");
            assertThat(model.signature().inputs()).isEqualTo(manifest.inputSpecs());
            assertThat(model.signature().outputs()).isEqualTo(manifest.outputSpecs());
            assertThat(model.signatures()).extracting(s -> s.name()).contains("layer_outputs");
            assertThat(model.signature("layer_outputs").outputNames())
                    .isEqualTo(manifest.layerInfos().stream().map(LayerInfo::name).toList());
            assertThat(model.layers()).isEqualTo(manifest.layerInfos());
            assertThat(model.supportsLayerOutputs()).isTrue();
        }
    }

    @Test
    void everyCnnLayerOutputMatchesPython() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        try (Model model = Models.load(bundle)) {
            List<String> layers = model.layers().stream().map(LayerInfo::name).toList();
            assertThat(layers).containsExactly("conv1", "pool1", "conv2", "pool2", "flatten", "dense1", "dense2", "predictions");
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                Outputs outputs = model.layerOutputs(batch.inputs(), layers);
                assertOutputsClose(outputs, batch.layers(), 1e-5, "mnist_cnn layers " + batch.name());
                batch.layers().forEach((layer, expected) -> LOG.info("mnist_cnn {} layer {}: max abs diff {}", batch.name(), layer,
                        TensorComparison.of(outputs.get(layer), expected).maxAbsDiff()));
            }
        }
    }

    @Test
    void layerOutputsComeInTheAskedOrderAndOnlyThoseAsked() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        ReferenceBatch batch = ModelFixtures.references(bundle).get(0);
        try (Model model = Models.load(bundle)) {
            Outputs outputs = model.layerOutputs(batch.inputs(), List.of("predictions", "conv1"));
            assertThat(outputs.names()).containsExactly("predictions", "conv1");
            assertClose(outputs.get("conv1"), batch.layers().get("conv1"), 1e-5, "conv1");
            assertClose(outputs.get("predictions"), batch.outputs().get("predictions"), 1e-6, "predictions");
        }
    }

    @Test
    void learningPhaseIsOptionalAndDefaultsToInference() {
        Path fixture = ModelFixtures.model("tf1_learning_phase");
        Tensor input = ModelFixtures.npy(fixture.resolve("reference/input.npy"));
        Tensor inference = ModelFixtures.npy(fixture.resolve("reference/output_inference.npy"));
        try (Model model = Models.load(fixture.resolve("saved_model"))) {
            TensorSpec learningPhase = model.signature().input("keras_learning_phase").orElseThrow();
            assertThat(learningPhase.optional()).isTrue();
            assertThat(learningPhase.dtype()).isEqualTo(DType.BOOL);
            assertThat(model.signature().requiredInputs()).extracting(TensorSpec::name).containsExactly("input");

            assertClose(model.predict(input), inference, 1e-6, "inference mode by default");
            Outputs explicit = model.predict(Map.of("input", input, "keras_learning_phase", Tensor.scalar(false)));
            assertClose(explicit.first(), inference, 1e-6, "inference mode fed explicitly");
            Outputs training = model.predict(Map.of("input", input, "keras_learning_phase", Tensor.scalar(true)));
            assertThat(TensorComparison.of(training.first(), inference).maxAbsDiff()).isGreaterThan(1e-3);
        }
    }

    @Test
    void eightThreadsGetTheSameAnswersAsOne() throws Exception {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Tensor images = ModelFixtures.references(bundle).get(1).inputs().get("image");
        try (Model model = Models.load(bundle)) {
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> expected = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                Tensor rows = images.slice(i, Math.min(32, i + 1 + i % 4));
                inputs.add(rows);
                expected.add(model.predict(rows));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    int offset = thread;
                    futures.add(pool.submit(() -> {
                        for (int round = 0; round < 25; round++) {
                            int i = (offset * 7 + round) % inputs.size();
                            assertThat(model.predict(inputs.get(i))).isEqualTo(expected.get(i));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void wrongInputsAreRejectedBeforeNativeCode() {
        try (Model model = Models.load(ModelFixtures.model("mnist_cnn"))) {
            Tensor image = Tensor.ofFloats(new float[784], 1, 28, 28, 1);
            assertThatThrownBy(() -> model.predict(Map.of("pixels", image)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Unknown input 'pixels'").hasMessageContaining("[image]");
            assertThatThrownBy(() -> model.predict(Map.of("image", Tensor.ofDoubles(new double[784], 1, 28, 28, 1))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("dtype float64, expected float32");
            assertThatThrownBy(() -> model.predict(Map.of("image", Tensor.ofFloats(new float[784], 1, 784))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("expected rank 4").hasMessageContaining("[?, 28, 28, 1]");
            assertThatThrownBy(() -> model.predict(Map.of("image", Tensor.ofFloats(new float[729], 1, 27, 27, 1))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("dimension 1 is 27, expected 28");
            assertThatThrownBy(() -> model.predict(Map.of()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Missing input image");
            assertThatThrownBy(() -> model.layerOutputs(Map.of("image", image), List.of("conv9")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Unknown layer 'conv9'");
        }
    }

    @Test
    void inputsTensorFlowRejectsBecomeInvalidInputExceptions() {
        try (Model model = Models.load(ModelFixtures.model("imdb_lstm"))) {
            int[] tokens = new int[200];
            tokens[199] = 1_000_000;
            assertThatThrownBy(() -> model.predict(Tensor.ofInts(tokens, 1, 200)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("TensorFlow rejected the inputs of signature 'serving_default'")
                    .hasMessageContaining("1000000");
        }
    }

    @Test
    void emptyBatchIsATypedErrorNamingTheInput() {
        try (Model model = Models.load(ModelFixtures.model("mnist_ffnn"))) {
            assertThatThrownBy(() -> model.predict(Tensor.ofFloats(new float[0], 0, 784)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Input 'pixels' is empty (shape [0, 784])");
        }
    }

    @Test
    void predictAfterCloseFails() {
        Model model = Models.load(ModelFixtures.model("mnist_ffnn"));
        Tensor pixels = Tensor.ofFloats(new float[784], 1, 784);
        model.predict(pixels);
        model.close();
        model.close();
        assertThatThrownBy(() -> model.predict(pixels))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> model.layerOutputs(Map.of("pixels", pixels), List.of("hidden")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
