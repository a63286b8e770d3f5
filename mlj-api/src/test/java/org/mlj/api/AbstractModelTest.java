package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.testbackend.DoublingBackend;

/** The behaviour every backend inherits from AbstractModel, through the test backends. */
class AbstractModelTest {
    @TempDir
    Path dir;
    private Path savedModel;
    private Path h5;

    @BeforeEach
    void writeModels() throws IOException {
        savedModel = Files.createDirectories(dir.resolve("sm"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[] {1});
        h5 = dir.resolve("model.h5");
        Files.write(h5, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
    }

    private static Tensor x(float... values) {
        return Tensor.ofFloats(values, values.length / 3, 3);
    }

    @Test
    void predictsWithValidatedInputs() {
        try (Model model = Models.load(savedModel)) {
            Outputs outputs = model.predict(Map.of("x", x(1, 2, 3)));
            assertThat(outputs.names()).containsExactly("y");
            assertThat(outputs.get("y").toFloatArray()).containsExactly(2, 4, 6);
            assertThat(model.predict(x(1, 1, 1)).toFloatArray()).as("single-tensor predict").containsExactly(2, 2, 2);
        }
    }

    @Test
    void badInputNeverReachesTheBackend() {
        try (Model model = Models.load(savedModel)) {
            assertThatThrownBy(() -> model.predict(Map.of("x", Tensor.ofFloats(new float[4], 1, 4))))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Input 'x' has shape [1, 4], expected [?, 3] (dimension 1 is 4, expected 3)");
            assertThatThrownBy(() -> model.predict(Map.of("z", x(1, 2, 3))))
                    .hasMessage("Unknown input 'z' for signature 'serving_default'; expected one of [x, training]");
        }
    }

    @Test
    void signaturesAreListedDefaultFirstAndSelectable() {
        try (Model model = Models.load(savedModel)) {
            assertThat(model.signatures()).extracting(Signature::name).containsExactly("serving_default", "halve");
            assertThat(model.predict("halve", Map.of("x", x(2, 4, 6))).get("half").toFloatArray()).containsExactly(1, 2, 3);
            assertThatThrownBy(() -> model.predict("nope", Map.of()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Unknown signature 'nope'; the model has [serving_default, halve]");
        }
        try (Model model = Models.load(savedModel, LoadOptions.builder().signature("halve").build())) {
            assertThat(model.signature().name()).isEqualTo("halve");
        }
        assertThatThrownBy(() -> Models.load(savedModel, LoadOptions.builder().signature("nope").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Unknown signature 'nope'; the model has [serving_default, halve]");
    }

    @Test
    void singleTensorPredictNeedsOneRequiredInput() {
        try (Model model = Models.load(h5)) {
            assertThat(model.predict(Tensor.ofInts(new int[] {1, 2, 3, 4}, 1, 4)).toIntArray()).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void layerOutputsCheckNamesAndSupport() {
        try (Model model = Models.load(savedModel)) {
            assertThat(model.supportsLayerOutputs()).isTrue();
            assertThat(model.layerOutputs(Map.of("x", x(1, 2, 3)), List.of("double")).get("double").toFloatArray())
                    .containsExactly(2, 4, 6);
            assertThatThrownBy(() -> model.layerOutputs(Map.of("x", x(1, 2, 3)), List.of("dense")))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("Unknown layer 'dense'; the model's layers are [double]");
            assertThatThrownBy(() -> model.layerOutputs(Map.of("x", x(1, 2, 3)), List.of()))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("No layer names given; the model's layers are [double]");
        }
        try (Model model = Models.load(h5)) {
            assertThat(model.supportsLayerOutputs()).isFalse();
            assertThatThrownBy(() -> model.layerOutputs(Map.of("ids", Tensor.ofInts(new int[4], 1, 4)), List.of("x")))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessage("Layer outputs are unavailable for " + h5 + ": the echo backend does not serve layer outputs");
        }
    }

    @Test
    void closedModelRefusesCallsAndReleasesOnce() {
        Model model = Models.load(savedModel);
        model.close();
        model.close();
        assertThat(((DoublingBackend.DoublingModel) model).released()).isTrue();
        assertThatThrownBy(() -> model.predict(Map.of("x", x(1, 2, 3))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Model " + savedModel + " (doubling) is closed");
    }
}
