package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.testing.LegacyFixtures;
import org.mlj.api.testing.LegacyFixtures.Fixture;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.testing.TensorAssertions;

/**
 * Keras 1 and 2 files, tf.keras 2.x {@code .h5} with and without an explicit InputLayer, and
 * architecture JSON plus weights files (Keras 1, 2 and 3), against the Keras 3 reference outputs of
 * {@code models/legacy} (written by {@code python -m mlj_export legacy}).
 */
class LegacyKerasFormatsTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    static List<Fixture> fixtures() {
        return LegacyFixtures.forBackend("dl4j");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPython(Fixture fixture) {
        try (Model model = Models.load(fixture.model(), fixture.loadOptions())) {
            assertThat(model.backend()).isEqualTo("dl4j");
            assertThat(model.signature().inputNames()).containsExactlyElementsOf(fixture.inputs().keySet());
            assertThat(model.signature().outputNames()).containsExactlyElementsOf(fixture.outputs().keySet());
            TensorAssertions.assertOutputsClose(model.predict(fixture.inputs()), fixture.outputs(), TOLERANCE, fixture.name());
        }
    }

    @Test
    void fixturesCoverEveryKerasVersionAndBothJsonRoutes() {
        assertThat(fixtures()).extracting(Fixture::name).contains("keras1_json", "keras1_h5", "keras1_cnn_h5", "keras1_theano_cnn_h5", "keras2_json", "keras3_json",
                "tf_keras2_sequential", "tf_keras2_functional", "tf_keras2_lstm");
        assertThat(ModelFormat.detect(LegacyFixtures.get("keras3_json").model())).isEqualTo(ModelFormat.KERAS_JSON);
        assertThat(ModelFormat.detect(LegacyFixtures.get("keras2_json").model())).isEqualTo(ModelFormat.KERAS_JSON);
    }

    @Test
    void keras3JsonFileLoadsWithTheWeightsOption() {
        Fixture fixture = LegacyFixtures.get("keras3_json");
        Path dir = fixture.model();
        LoadOptions options = LoadOptions.builder().backend("dl4j")
                .option(Dl4jBackend.WEIGHTS.key(), dir.resolve("model.weights.h5").toString()).build();
        try (Model model = Models.load(dir.resolve("model.json"), options)) {
            assertThat(model.format()).isEqualTo(ModelFormat.KERAS_JSON);
            assertThat(model.details()).containsEntry(Dl4jBackend.WEIGHTS.key(), dir.resolve("model.weights.h5").toString())
                    .containsEntry("keras.version", "3");
            TensorAssertions.assertOutputsClose(model.predict(fixture.inputs()), fixture.outputs(), TOLERANCE, "keras3 json file");
            assertThat(model.layerOutputs(fixture.inputs(), List.of("conv")).get("conv").shape().dims()).containsExactly(4, 6, 6, 4);
        }
    }

    @Test
    void keras2ArchitectureReadsItsVersionFromTheJson() {
        Fixture fixture = LegacyFixtures.get("keras2_json");
        try (Model model = Models.load(fixture.model(), fixture.loadOptions())) {
            assertThat(model.details()).containsEntry("keras.version", "2.4.0");
        }
        try (Model model = Models.load(LegacyFixtures.get("keras1_json").model(), LoadOptions.builder().backend("dl4j").build())) {
            assertThat(model.details()).containsEntry("keras.version", "1.2.2");
        }
    }

    @Test
    void jsonWithoutWeightsSaysHowToNameThem() {
        Path json = LegacyFixtures.get("keras2_json").model();
        assertThatThrownBy(() -> Models.load(json)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Keras architecture JSON without its weights")
                .hasMessageContaining(Dl4jBackend.WEIGHTS.key() + "=PATH (CLI: --weights PATH)");
    }

    @Test
    void weightsOnlyH5PointsToTheJsonRoute() {
        Path weights = LegacyFixtures.get("keras2_json").model().resolveSibling("weights.h5");
        assertThatThrownBy(() -> Models.load(weights)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no model_config attribute: it holds weights only")
                .hasMessageContaining(Dl4jBackend.WEIGHTS.key() + "=" + weights);
    }

    @Test
    void weightsOptionOnAFullModelIsRefused() {
        Path h5 = LegacyFixtures.get("tf_keras2_functional").model();
        LoadOptions options = LoadOptions.builder().option(Dl4jBackend.WEIGHTS.key(), h5.toString()).build();
        assertThatThrownBy(() -> Models.load(h5, options)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("which holds its own weights");
    }

    @Test
    void weightsThatAreNotHdf5OrMissingAreNamed() throws IOException {
        Path json = LegacyFixtures.get("keras2_json").model();
        Path checkpoint = Files.writeString(tmp.resolve("weights.index"), "not hdf5");
        assertThatThrownBy(() -> Models.load(json, LoadOptions.builder().option(Dl4jBackend.WEIGHTS.key(), checkpoint.toString()).build()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not HDF5").hasMessageContaining("not TensorFlow checkpoints");
        Path missing = tmp.resolve("nope.h5");
        assertThatThrownBy(() -> Models.load(json, LoadOptions.builder().option(Dl4jBackend.WEIGHTS.key(), missing.toString()).build()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("Weights file " + missing + " (for " + json + ") does not exist");
    }

    @Test
    void weightsOfAnotherModelAreRefusedBeforeNativeCode() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        Files.copy(LegacyFixtures.get("keras2_json").model(), dir.resolve("topology.json"));
        Files.copy(LegacyFixtures.get("keras1_json").model().resolve("weights.h5"), dir.resolve("weights.h5"));
        assertThatThrownBy(() -> Models.load(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("weights.h5 has no weights for layer 'conv'");
    }

    @Test
    void unsupportedLayersInAnArchitectureJsonAreNamedBeforeNativeCode() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("unit_norm"));
        Files.writeString(dir.resolve("model.json"), "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", "
                + "\"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 6, 4], \"name\": \"x\"}}, "
                + "{\"class_name\": \"UnitNormalization\", \"config\": {\"name\": \"my_norm\", \"axis\": -1}}]}}");
        Files.copy(LegacyFixtures.get("keras3_json").model().resolve("model.weights.h5"), dir.resolve("model.weights.h5"));
        assertThatThrownBy(() -> Models.load(dir, LoadOptions.builder().backend("dl4j").build()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("my_norm (UnitNormalization: no such layer");
    }

    @Test
    void anUnzippedKerasFileIsAnArchitectureDirectory() throws IOException {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Path dir = Files.createDirectories(tmp.resolve("unzipped"));
        try (ZipFile zip = new ZipFile(bundle.resolve("model.keras").toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, dir.resolve(entry.getName()));
                }
            }
        }
        assertThat(dir.resolve("metadata.json")).exists();
        ReferenceBatch batch = ModelFixtures.references(bundle).get(0);
        try (Model model = Models.load(dir, LoadOptions.builder().backend("dl4j").build())) {
            assertThat(model.format()).isEqualTo(ModelFormat.KERAS_JSON);
            TensorAssertions.assertOutputsClose(model.predict(batch.inputs()), batch.outputs(), TOLERANCE, "unzipped mnist_cnn");
        }
    }

    @Test
    void keras1TheanoCnnTakesChannelsFirstInput() {
        Fixture fixture = LegacyFixtures.get("keras1_theano_cnn_h5");
        try (Model model = Models.load(fixture.model(), fixture.loadOptions())) {
            assertThat(model.signature().inputs().get(0).shape()).isEqualTo(org.mlj.api.Shape.of(-1, 1, 8, 8));
            assertThat(model.details()).containsEntry("keras.version", "1.2.2");
        }
    }
}
