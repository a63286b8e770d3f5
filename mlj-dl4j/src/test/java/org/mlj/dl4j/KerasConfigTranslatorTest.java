package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.mlj.api.DType;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.testing.ModelFixtures;

/** The Keras 3 config differences, translated in Java before anything native runs. */
class KerasConfigTranslatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void functionalKeras3ConfigBecomesWhatDl4jReads() throws IOException {
        KerasGraph graph = translate("mnist_cnn");
        JsonNode dl4j = JSON.readTree(graph.dl4jConfig());

        assertThat(dl4j.path("keras_version").asText()).isEqualTo("2");
        assertThat(dl4j.path("backend").asText()).isEqualTo("tensorflow");
        assertThat(dl4j.path("config").path("input_layers").toString()).isEqualTo("[[\"image\",0,0]]");
        assertThat(dl4j.path("config").path("output_layers").toString()).isEqualTo("[[\"predictions\",0,0]]");
        JsonNode input = layer(dl4j, "image");
        assertThat(input.path("config").path("batch_input_shape").toString()).isEqualTo("[null,28,28,1]");
        assertThat(input.path("config").has("batch_shape")).isFalse();
        assertThat(layer(dl4j, "conv1").path("inbound_nodes").toString()).isEqualTo("[[[\"image\",0,0,{}]]]");

        assertThat(graph.inputs()).containsExactly(new TensorSpec("image", DType.FLOAT32, Shape.of(-1, 28, 28, 1), "NHWC", false));
        assertThat(graph.outputs()).containsExactly("predictions");
        assertThat(graph.layers()).extracting(KerasGraph.Layer::name)
                .containsExactly("conv1", "pool1", "conv2", "pool2", "flatten", "dense1", "dense2", "predictions");
    }

    @Test
    void sequentialKeras3ConfigBecomesAChainedGraph() throws IOException {
        KerasGraph graph = translate("imdb_lstm");
        JsonNode dl4j = JSON.readTree(graph.dl4jConfig());

        assertThat(dl4j.path("class_name").asText()).isEqualTo("Model");
        assertThat(layer(dl4j, "embedding").path("inbound_nodes").toString()).isEqualTo("[[[\"tokens\",0,0,{}]]]");
        assertThat(layer(dl4j, "lstm").path("inbound_nodes").toString()).isEqualTo("[[[\"embedding\",0,0,{}]]]");
        assertThat(layer(dl4j, "embedding").path("config").path("input_length").asInt()).isEqualTo(200);
        assertThat(graph.inputs()).containsExactly(new TensorSpec("tokens", DType.INT32, Shape.of(-1, 200), "NT", false));
        assertThat(graph.outputs()).containsExactly("sentiment");
    }

    @Test
    void everyInitializerBecomesZerosSoDl4jNeverSamplesOrthogonal() throws IOException {
        String original = kerasConfig("imdb_lstm").toString();
        JsonNode dl4j = JSON.readTree(translate("imdb_lstm").dl4jConfig());

        assertThat(original).contains("Orthogonal");
        List<JsonNode> initializers = new ArrayList<>();
        collectInitializers(dl4j, initializers);
        assertThat(initializers).isNotEmpty()
                .allSatisfy(init -> assertThat(init.path("class_name").asText()).isEqualTo("Zeros"));
        assertThat(dl4j.toString()).doesNotContain("Orthogonal");
    }

    @Test
    void unsupportedLayersAreNamedBeforeAnythingNativeRuns() throws IOException {
        JsonNode config = kerasConfig("zoo/merges_min_dot");

        assertThatThrownBy(() -> KerasConfigTranslator.translate(config, "3.15.1", Optional.empty(), "merges.keras"))
                .isInstanceOfSatisfying(UnsupportedModelException.class, e -> assertThat(e.unsupported()).containsExactly(
                        "minimum (Minimum: Deeplearning4j 1.0.0-M2.1 has no Minimum merge)",
                        "dot (Dot: Deeplearning4j 1.0.0-M2.1 has no Dot merge)"));
    }

    @Test
    void maskOpNodesBecomeMasksOfTheLayersThatTakeThem() throws IOException {
        KerasGraph graph = translate("zoo/masking_rnn");
        JsonNode dl4j = JSON.readTree(graph.dl4jConfig());

        assertThat(dl4j.toString()).doesNotContain("NotEqual").doesNotContain("\"Any\"");
        assertThat(graph.layers()).extracting(KerasGraph.Layer::name).doesNotContain("any").noneMatch(n -> n.startsWith("not_equal"));
        assertThat(graph.masked()).containsExactlyInAnyOrder("simple_rnn_seq", "td_dense", "bi_lstm_seq", "lstm_last");
        assertThat(graph.computed()).contains("masking", "simple_rnn_seq", "td_dense", "bi_lstm_seq", "lstm_last")
                .doesNotContain("predictions");
        assertThat(layer(dl4j, "td_dense").path("class_name").asText()).as("placeholder of the same shape").isEqualTo("LSTM");
    }

    @Test
    void layersMljComputesAreRefusedOutsideChains() throws IOException {
        ObjectNode config = (ObjectNode) kerasConfig("zoo/merges");
        for (JsonNode layer : config.path("config").path("layers")) {
            if (layer.path("name").asText().equals("dense_left")) {
                ((ObjectNode) layer).put("class_name", "LayerNormalization");
            }
        }

        assertThatThrownBy(() -> KerasConfigTranslator.translate(config, "3.15.1", Optional.empty(), "merges.keras"))
                .isInstanceOfSatisfying(UnsupportedModelException.class, e -> assertThat(e.unsupported()).containsExactly(
                        "dense_left (LayerNormalization: mlj computes it itself, in single-input, single-output chains of layers only)"));
    }

    @Test
    void unknownKerasVersionIsRefused() throws IOException {
        JsonNode config = kerasConfig("mnist_ffnn");

        assertThatThrownBy(() -> KerasConfigTranslator.translate(config, "4.0.0", Optional.empty(), "future.keras"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("Keras 4.0.0");
    }

    private static KerasGraph translate(String name) throws IOException {
        return KerasConfigTranslator.translate(kerasConfig(name), "3.15.1", Optional.empty(), name);
    }

    private static JsonNode kerasConfig(String name) throws IOException {
        try (ZipFile zip = new ZipFile(ModelFixtures.model(name).resolve("model.keras").toFile())) {
            return JSON.readTree(zip.getInputStream(zip.getEntry("config.json")));
        }
    }

    private static JsonNode layer(JsonNode dl4j, String name) {
        for (JsonNode layer : dl4j.path("config").path("layers")) {
            if (layer.path("name").asText().equals(name)) {
                return layer;
            }
        }
        throw new AssertionError("No layer " + name + " in " + dl4j);
    }

    private static void collectInitializers(JsonNode node, List<JsonNode> found) {
        node.fields().forEachRemaining(field -> {
            if (field.getKey().endsWith("_initializer")) {
                found.add(field.getValue());
            } else {
                collectInitializers(field.getValue(), found);
            }
        });
        if (node.isArray()) {
            node.forEach(child -> collectInitializers(child, found));
        }
    }
}
