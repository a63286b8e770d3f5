package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.InvalidInputException;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

/**
 * The fast execution paths: the fused LSTM and direct Dense layers equal DL4J's layer-by-layer pass
 * ({@link GraphForwardPass}), and the CNN with oneDNN helpers equals the Python reference, outputs and
 * every layer output.
 */
class FastPathsTest {
    private static final double TOLERANCE = 1e-5;
    private static final LoadOptions FUSED = LoadOptions.builder().backend("dl4j").build();
    private static final LoadOptions UNFUSED = LoadOptions.builder().backend("dl4j")
            .option(Dl4jBackend.FUSED_LSTM.key(), "false").build();
    private static final LoadOptions PLAIN = UNFUSED.toBuilder().option(Dl4jBackend.DIRECT_DENSE.key(), "false").build();

    @Test
    void fusedLstmEqualsLayerByLayerPass() {
        Path bundle = ModelFixtures.model("imdb_lstm");
        List<ReferenceBatch> batches = ModelFixtures.references(bundle);
        assertThat(batches).extracting(ReferenceBatch::name).containsExactly("batch_1", "batch_32");
        try (Model fused = Models.load(bundle, FUSED); Model plain = Models.load(bundle, PLAIN)) {
            assertThat(fused.details()).containsEntry(Dl4jBackend.FUSED_LSTM_DETAIL, "engaged (embedding, lstm)")
                    .containsEntry("dl4j.forwardPass", "chain: fused lstmLayer (embedding, lstm), direct Dense (sentiment), "
                            + "other layers as DL4J vertices");
            assertThat(plain.details()).containsEntry(Dl4jBackend.FUSED_LSTM_DETAIL, "off: load option dl4j.fusedLstm=false")
                    .containsEntry("dl4j.forwardPass", "ComputationGraph");
            for (ReferenceBatch batch : batches) {
                String what = "imdb_lstm/" + batch.name();
                Outputs expected = plain.predict(batch.inputs());
                Outputs actual = fused.predict(batch.inputs());
                TensorAssertions.assertOutputsClose(actual, expected.asMap(), TOLERANCE, what + " fused vs plain");
                TensorAssertions.assertOutputsClose(actual, batch.outputs(), TOLERANCE, what + " fused vs Python");
                List<String> layers = List.of("embedding", "lstm", "sentiment");
                Outputs expectedLayers = plain.layerOutputs(batch.inputs(), layers);
                Outputs actualLayers = fused.layerOutputs(batch.inputs(), layers);
                assertThat(actualLayers.names()).containsExactlyElementsOf(layers);
                TensorAssertions.assertOutputsClose(actualLayers, expectedLayers.asMap(), TOLERANCE, what + " layers fused vs plain");
                TensorAssertions.assertOutputsClose(actualLayers, batch.layers(), TOLERANCE, what + " layers fused vs Python");
                Outputs one = fused.layerOutputs(batch.inputs(), List.of("lstm"));
                TensorAssertions.assertClose(one.get("lstm"), batch.layers().get("lstm"), TOLERANCE, what + " lstm alone");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "imdb_lstm"})
    void directDenseLayersEqualDl4jOnes(String name) {
        Path bundle = ModelFixtures.model(name);
        try (Model direct = Models.load(bundle, UNFUSED); Model plain = Models.load(bundle, PLAIN)) {
            assertThat(direct.details().get("dl4j.forwardPass")).startsWith("chain: direct Dense (");
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                String what = name + "/" + batch.name();
                Outputs expected = plain.predict(batch.inputs());
                Outputs actual = direct.predict(batch.inputs());
                TensorAssertions.assertOutputsClose(actual, expected.asMap(), TOLERANCE, what + " direct vs plain");
                TensorAssertions.assertOutputsClose(actual, batch.outputs(), TOLERANCE, what + " direct vs Python");
                Outputs layers = direct.layerOutputs(batch.inputs(), batch.layers().keySet());
                TensorAssertions.assertOutputsClose(layers, batch.layers(), TOLERANCE, what + " layers direct vs Python");
            }
        }
    }

    @Test
    void fusedEmbeddingRejectsTokenIdsOutsideTheVocabulary() {
        try (Model model = Models.load(ModelFixtures.model("imdb_lstm"), FUSED)) {
            int[] ids = new int[200];
            ids[7] = 10_000;
            assertThatThrownBy(() -> model.predict(Map.of("tokens", Tensor.ofInts(ids, 1, 200))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("token id 10000.0 at [0, 7], outside [0, 10000)");
        }
    }

    @Test
    void fusedLstmPropertyMustBeABoolean() {
        LoadOptions options = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.FUSED_LSTM.key(), "sometimes").build();
        assertThatThrownBy(() -> Models.load(ModelFixtures.model("imdb_lstm"), options))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Load option dl4j.fusedLstm must be a boolean (true or false), got 'sometimes'");
    }

    @Test
    void oneDnnHelpersEngageOnTheCnnAndMatchPython() {
        assumeTrue(OneDnnHelpers.unavailable().isEmpty(), () -> "oneDNN helpers unavailable: " + OneDnnHelpers.unavailable());
        Path bundle = ModelFixtures.model("mnist_cnn");
        // DL4J's graph, where the helpers run (by default a fixed program runs this CNN: CnnProgramPassTest)
        try (Model model = Models.load(bundle, FUSED.toBuilder().option(Dl4jBackend.CNN_PROGRAM.key(), "false").build())) {
            assertThat(model.details()).containsEntry(Dl4jBackend.ONEDNN_HELPERS_DETAIL, "engaged (conv1, pool1, conv2, pool2)")
                    .containsEntry(Dl4jBackend.FUSED_LSTM_DETAIL, "off: no LSTM layer")
                    .containsEntry("dl4j.forwardPass", "ComputationGraph");
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                String what = "mnist_cnn/" + batch.name();
                Outputs outputs = model.predict(batch.inputs());
                TensorAssertions.assertOutputsClose(outputs, batch.outputs(), TOLERANCE, what);
                Outputs layers = model.layerOutputs(batch.inputs(), batch.layers().keySet());
                TensorAssertions.assertOutputsClose(layers, batch.layers(), TOLERANCE, what + " layers");
            }
        }
    }

    @Test
    void oneDnnHelpersReportWhenThereIsNothingToHelp() {
        try (Model model = Models.load(ModelFixtures.model("mnist_ffnn"), FUSED)) {
            assertThat(model.details().get(Dl4jBackend.ONEDNN_HELPERS_DETAIL))
                    .isIn("unused: no 2D convolution or pooling layer", "unavailable: " + OneDnnHelpers.unavailable().orElse(""));
        }
    }
}
