package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.ModelFormat;
import org.mlj.api.testing.ModelFixtures;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The Keras 3 and legacy HDF5 weight layouts of the committed bundles. */
class KerasWeightsReaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "mnist_cnn", "imdb_lstm"})
    void keras3PathsByNameAttributeAndByKerasNamingAgree(String name) {
        try (KerasFile file = KerasFile.read(ModelFixtures.model(name).resolve("model.keras"), ModelFormat.KERAS)) {
            KerasGraph graph = KerasConfigTranslator.translate(file.config(), file.kerasVersion(), file.backend(), name);

            Map<String, String> groups = KerasWeightsReader.keras3DefaultGroups(graph.layers());

            assertThat(groups).hasSameSizeAs(graph.layers());
            groups.forEach((layer, group) ->
                    assertThat(file.weights().stringAttribute(group + "/vars", "name")).as(group).contains(List.of(layer)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.keras", "model.h5"})
    void lstmWeightsAreNamedAsDl4jExpects(String fileName) {
        ModelFormat format = fileName.endsWith(".keras") ? ModelFormat.KERAS : ModelFormat.HDF5;
        try (KerasFile file = KerasFile.read(ModelFixtures.model("imdb_lstm").resolve(fileName), format)) {
            KerasGraph graph = KerasConfigTranslator.translate(file.config(), file.kerasVersion(), file.backend(), fileName);

            Map<String, Map<String, INDArray>> weights = KerasWeightsReader.read(file, graph);

            assertThat(weights.keySet()).containsExactly("embedding", "lstm", "sentiment");
            assertThat(weights.get("embedding")).containsOnlyKeys("embeddings");
            assertThat(weights.get("lstm")).containsOnlyKeys("kernel", "recurrent_kernel", "bias");
            assertThat(weights.get("lstm").get("kernel").shape()).containsExactly(32, 128);
            assertThat(weights.get("lstm").get("recurrent_kernel").shape()).containsExactly(32, 128);
            assertThat(weights.get("sentiment")).containsOnlyKeys("kernel", "bias");
        }
    }
}
