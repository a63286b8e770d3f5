package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.InvalidInputException;
import org.mlj.api.BundleInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

/** Discovery through {@code Models}, bundle handling, and what loading leaves behind: nothing. */
class Dl4jBackendDiscoveryTest {

    @Test
    void registeredAsDl4j() {
        Backend backend = Models.loader().backend("dl4j").orElseThrow();

        assertThat(backend).isInstanceOf(Dl4jBackend.class);
        assertThat(backend.artifact()).isEqualTo("org.mlj:mlj-dl4j");
        assertThat(backend.formats()).containsExactlyInAnyOrder(ModelFormat.KERAS, ModelFormat.HDF5, ModelFormat.KERAS_JSON, ModelFormat.MLJ_BUNDLE);
        assertThat(backend.priority(ModelFormat.MLJ_BUNDLE)).isLessThan(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.keras", "model.h5"})
    void kerasFilesLoadWithoutNamingTheBackend(String file) {
        try (Model model = Models.load(ModelFixtures.model("mnist_ffnn").resolve(file))) {
            assertThat(model.backend()).isEqualTo("dl4j");
            assertThat(model.signature().toString())
                    .isEqualTo("serving_default(pixels: float32 [?, 784] NC) -> (predictions: float32 [?, 10])");
            assertThat(model.details()).containsKeys("keras.version", "nd4j.backend", "dl4j.file");
        }
    }

    @Test
    void bundleUsesItsKerasFileAndManifest() {
        Path bundle = ModelFixtures.model("imdb_lstm");
        try (Model model = Models.load(bundle, LoadOptions.builder().backend("dl4j").build())) {
            assertThat(model.format()).isEqualTo(ModelFormat.MLJ_BUNDLE);
            assertThat(model.bundle()).get().extracting(BundleInfo::labels).asList().containsExactly("negative", "positive");
            assertThat(model.details()).containsEntry("dl4j.file", bundle.resolve("model.keras").toString());
            assertThat(model.signature().inputs().get(0).toString()).isEqualTo("tokens: int32 [?, 200] NT");
        }
    }

    @Test
    void bundleWithoutKerasFilesIsNotForDl4j(@TempDir Path dir) throws IOException {
        Files.copy(ModelFixtures.model("mnist_ffnn").resolve("mlj.json"), dir.resolve("mlj.json"));

        assertThat(new Dl4jBackend().canLoad(ModelSource.of(dir))).isFalse();
        assertThatThrownBy(() -> Models.load(dir, LoadOptions.builder().backend("dl4j").build()))
                .hasMessageContaining("cannot load");
    }

    @Test
    void inputsAreValidatedBeforeNativeCode() {
        try (Model model = Models.load(ModelFixtures.model("imdb_lstm").resolve("model.h5"))) {
            Tensor floats = Tensor.ofFloats(new float[200], 1, 200);

            assertThatThrownBy(() -> model.predict(Map.of("tokens", floats)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("int32");
            assertThatThrownBy(() -> model.layerOutputs(Map.of("tokens", Tensor.ofInts(new int[200], 1, 200)), List.of("gru")))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("Unknown layer 'gru'");
        }
    }

    @Test
    void closedModelRefusesCalls() {
        Model model = Models.load(ModelFixtures.model("mnist_ffnn").resolve("model.h5"));
        model.close();
        model.close();

        assertThatThrownBy(() -> model.predict(Tensor.ofFloats(new float[784], 1, 784)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void keras2LayoutHdf5StillLoads() {
        Path dir = ModelFixtures.model("keras2_ffnn");
        Tensor input = ModelFixtures.npy(dir.resolve("reference/input.npy"));
        Tensor expected = ModelFixtures.npy(dir.resolve("reference/output.npy"));
        try (Model model = Models.load(dir.resolve("model.h5"))) {
            assertThat(model.details()).containsEntry("keras.version", "2.2.4");
            assertThat(model.signature().outputNames()).containsExactly("dense_2");

            TensorAssertions.assertClose(model.predict(input), expected, 1e-5, "keras2_ffnn");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"model.keras", "model.h5"})
    void loadingLeavesTheFileAndTheTempDirectoryAlone(String file) throws Exception {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Path path = bundle.resolve(file);
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Models.load(path).close();
        String hash = sha256(path);
        FileTime modified = Files.getLastModifiedTime(path);
        Set<Path> bundleBefore = list(bundle);
        Set<Path> tempBefore = list(temp);

        try (Model model = Models.load(path)) {
            assertThat(model.layers()).isNotEmpty();
        }

        assertThat(sha256(path)).isEqualTo(hash);
        assertThat(Files.getLastModifiedTime(path)).isEqualTo(modified);
        assertThat(list(bundle)).isEqualTo(bundleBefore);
        assertThat(list(temp)).isEqualTo(tempBefore);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            digest.update(in.readAllBytes());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Set<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.collect(Collectors.toSet());
        }
    }
}
