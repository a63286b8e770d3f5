package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mlj.api.testing.ModelFixtures;

class InspectCommandTest {
    private static final Path CNN = ModelFixtures.model("mnist_cnn");

    @Test
    void showsABundleWithItsManifest() {
        Cli.Result result = Cli.run("inspect", CNN.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsSubsequence(
                "Model:", CNN.toString(),
                "Format:", "mlj bundle directory",
                "Backend:", "tensorflow", "can load it: dl4j, tensorflow",
                "Signature 'serving_default' (default):", "inputs:", "image", "float32", "[?, 28, 28, 1]", "NHWC",
                "outputs:", "predictions", "float32", "[?, 10]",
                "Layers (8), layer outputs available:", "conv1", "Conv2D", "[?, 24, 24, 6]", "predictions", "Dense",
                "Details:",
                "Manifest", "name", "mnist_cnn", "versions", "keras 3.15.1", "labels", "0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
                "image input", "28x28x1, pixel / 255, background black", "metrics", "test_accuracy", "reference",
                "batch_1, batch_32");
    }

    @Test
    void showsAKerasFileWithTheDl4jBackend() {
        Cli.Result result = Cli.run("inspect", CNN.resolve("model.keras").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsSubsequence("Format:", "Keras 3 .keras file", "Backend:", "dl4j",
                "inputs:", "image", "[?, 28, 28, 1]", "outputs:", "[?, 10]", "conv1", "Conv2D")
                .doesNotContain("Manifest");
    }

    @Test
    void showsAnH5FileAndASavedModel() {
        Cli.Result h5 = Cli.run("inspect", CNN.resolve("model.h5").toString());
        assertThat(h5.exitCode()).as(h5.err()).isZero();
        assertThat(h5.out()).contains("Keras HDF5 file (.h5)", "dl4j");

        Cli.Result savedModel = Cli.run("inspect", CNN.resolve("saved_model").toString());
        assertThat(savedModel.exitCode()).as(savedModel.err()).isZero();
        assertThat(savedModel.out()).contains("TensorFlow SavedModel directory", "tensorflow", "Signature 'serving_default' (default):");
    }

    @Test
    void reportsAPathThatIsNoModel() {
        Cli.Result result = Cli.run("inspect", CNN.resolve("reference").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Directory " + CNN.resolve("reference") + " is not a model").hasLineCount(1);
    }

    @Test
    void reportsABackendThatCannotLoadTheFormat() {
        Cli.Result result = Cli.run("inspect", "--backend", "tensorflow", CNN.resolve("model.h5").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Backend 'tensorflow' cannot load").hasLineCount(1);
    }

    @Test
    void showsAFrozenGraphsPlaceholdersAndOutputs() {
        Path frozen = ModelFixtures.model("legacy/frozen_graph").resolve("frozen_model.pb");
        Cli.Result result = Cli.run("inspect", frozen.toString(), "--outputs", "logits,probabilities");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsSubsequence("Format:", "TensorFlow frozen GraphDef file (.pb)", "Backend:", "tensorflow",
                "Signature 'serving_default' (default):", "inputs:", "input", "float32", "[?, 8]",
                "outputs:", "logits", "float32", "[?, 3]", "probabilities", "float32", "[?, 3]",
                "Details:", "outputs", "logits,probabilities (tensorflow.outputs)");
    }

    @Test
    void showsAKerasArchitectureDirectory() {
        Cli.Result result = Cli.run("inspect", ModelFixtures.model("legacy/keras3_json").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).containsSubsequence("Format:", "Keras architecture JSON", "Backend:", "dl4j",
                "inputs:", "image", "[?, 8, 8, 1]", "outputs:", "probs", "[?, 3]", "conv", "Conv2D", "dl4j.weights", "model.weights.h5");
    }
}
