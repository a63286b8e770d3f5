package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFormatTest {
    @TempDir
    Path dir;

    @Test
    void detectsEachFormat() throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("mlj.json"), "{}");
        Files.createDirectories(bundle.resolve("saved_model"));
        assertThat(ModelFormat.detect(bundle)).isEqualTo(ModelFormat.MLJ_BUNDLE);

        Path savedModel = Files.createDirectories(dir.resolve("sm"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[] {8, 1});
        assertThat(ModelFormat.detect(savedModel)).isEqualTo(ModelFormat.SAVED_MODEL);

        Path h5 = dir.resolve("weights.bin");
        Files.write(h5, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0});
        assertThat(ModelFormat.detect(h5)).as("detected by signature, not by name").isEqualTo(ModelFormat.HDF5);

        Path keras = dir.resolve("model.keras");
        Files.write(keras, new byte[] {'P', 'K', 3, 4, 20, 0});
        assertThat(ModelFormat.detect(keras)).isEqualTo(ModelFormat.KERAS);
    }

    @Test
    void missingPathIsALoadError() {
        assertThatThrownBy(() -> ModelFormat.detect(dir.resolve("nope")))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Model path " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void directoryWithoutModelSaysWhatWasExpected() {
        assertThatThrownBy(() -> ModelFormat.detect(dir))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Directory " + dir + " is not a model: expected mlj.json (an mlj bundle) or saved_model.pb (a TensorFlow SavedModel) in it");
    }

    @Test
    void corruptFilesGetAHintFromTheirName() throws IOException {
        Path h5 = dir.resolve("model.h5");
        Files.writeString(h5, "not hdf5");
        assertThatThrownBy(() -> ModelFormat.detect(h5)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("named like HDF5, but the HDF5 signature is missing");
        Path keras = dir.resolve("model.keras");
        Files.write(keras, new byte[0]);
        assertThatThrownBy(() -> ModelFormat.detect(keras)).hasMessageContaining("not a zip");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> ModelFormat.detect(text))
                .hasMessage("File " + text + " is not a model file: expected a Keras .keras zip or an HDF5 .h5 file, "
                        + "or a SavedModel or mlj bundle directory");
    }
}
