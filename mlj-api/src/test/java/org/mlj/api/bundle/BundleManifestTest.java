package org.mlj.api.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.TensorSpec;
import org.mlj.api.Shape;
import org.mlj.api.ModelLoadException;
import org.mlj.api.LayerInfo;
import org.mlj.api.DType;

public class BundleManifestTest {
    /** The smallest valid manifest: one input, one output, no layers. */
    public static final String MINIMAL_MANIFEST = """
            {"format": "mlj-bundle", "format_version": 1, "name": "tiny",
             "inputs": [{"name": "x", "dtype": "float32", "shape": [null, 3], "layout": "NC"}],
             "outputs": [{"name": "y", "dtype": "float32", "shape": [null, 3]}]}
            """;

    @TempDir
    Path dir;

    @Test
    void readsEveryField() throws IOException {
        Files.writeString(dir.resolve("mlj.json"), """
                {"format": "mlj-bundle", "format_version": 1, "name": "mnist_cnn", "description": "LeNet",
                 "versions": {"keras": "3.15.1"},
                 "files": {"saved_model": "saved_model", "keras": "model.keras"},
                 "signatures": {"default": "serving_default", "layer_outputs": "layer_outputs"},
                 "inputs": [{"name": "image", "dtype": "float32", "shape": [null, 28, 28, 1], "layout": "NHWC"}],
                 "outputs": [{"name": "predictions", "dtype": "float32", "shape": [null, 10], "layout": "NC"}],
                 "layers": [{"name": "conv1", "class": "Conv2D", "dtype": "float32", "output_shape": [null, 24, 24, 6]}],
                 "labels": ["0", "1"],
                 "preprocessing": {"text": {"vocabulary": "vocabulary.txt", "lowercase": "ascii", "strip": "<[^>]*>",
                   "token_pattern": "[a-z]+", "max_length": 200, "padding": "pre", "truncating": "pre",
                   "pad_id": 0, "oov_id": 1, "vocabulary_size": 10000}},
                 "metrics": {"test_accuracy": 0.98},
                 "reference": {"batches": [{"name": "batch_32", "size": 32}, {"name": "batch_1", "size": 1}]},
                 "something_new": true}
                """);
        Files.createDirectories(dir.resolve("saved_model"));
        BundleManifest manifest = BundleManifest.read(dir);
        assertThat(manifest.name()).isEqualTo("mnist_cnn");
        assertThat(manifest.directory()).isEqualTo(dir);
        assertThat(manifest.inputSpecs()).containsExactly(
                new TensorSpec("image", DType.FLOAT32, Shape.of(-1, 28, 28, 1), "NHWC", false));
        assertThat(manifest.outputSpecs().get(0).name()).isEqualTo("predictions");
        assertThat(manifest.layerInfos()).containsExactly(new LayerInfo("conv1", "Conv2D", DType.FLOAT32, Shape.of(-1, 24, 24, 6)));
        assertThat(manifest.defaultSignature()).isEqualTo("serving_default");
        assertThat(manifest.layerOutputsSignature()).contains("layer_outputs");
        assertThat(manifest.file("saved_model")).contains(dir.resolve("saved_model"));
        assertThat(manifest.file("keras")).as("listed but absent").isEmpty();
        assertThat(manifest.preprocessing().text().maxLength()).isEqualTo(200);
        assertThat(manifest.preprocessing().text().tokenPattern()).isEqualTo("[a-z]+");
        assertThat(manifest.referenceBatches()).containsExactly(dir.resolve("reference/batch_1"), dir.resolve("reference/batch_32"));
        assertThat(manifest.metrics()).containsEntry("test_accuracy", 0.98);
        assertThat(manifest.toJson()).contains("\"name\" : \"mnist_cnn\"").doesNotContain("directory");
    }

    @Test
    void rejectsInvalidJson() throws IOException {
        Files.writeString(dir.resolve("mlj.json"), "{\"format\": ");
        assertThatThrownBy(() -> BundleManifest.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageStartingWith("Invalid bundle manifest " + dir.resolve("mlj.json"));
    }

    @Test
    void rejectsOtherFormatsAndVersions() throws IOException {
        Files.writeString(dir.resolve("mlj.json"), MINIMAL_MANIFEST.replace("\"format_version\": 1", "\"format_version\": 2"));
        assertThatThrownBy(() -> BundleManifest.read(dir)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has format_version 2; this mlj reads version 1");
        Files.writeString(dir.resolve("mlj.json"), MINIMAL_MANIFEST.replace("mlj-bundle", "other"));
        assertThatThrownBy(() -> BundleManifest.read(dir)).hasMessageContaining("has format 'other', expected 'mlj-bundle'");
    }

    @Test
    void rejectsManifestWithoutInputs() throws IOException {
        Files.writeString(dir.resolve("mlj.json"), "{\"format\": \"mlj-bundle\", \"format_version\": 1, \"name\": \"x\"}");
        assertThatThrownBy(() -> BundleManifest.read(dir)).hasMessageEndingWith("lists no inputs or no outputs");
    }
}
