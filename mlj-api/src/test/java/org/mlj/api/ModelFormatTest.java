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
                .hasMessage("File " + text + " is not a model file: expected a Keras .keras zip, an HDF5 .h5 file, a Keras "
                        + "architecture .json, a TensorFlow frozen GraphDef .pb, or a SavedModel or mlj bundle directory");
        Path pb = dir.resolve("frozen_model.pb");
        Files.write(pb, new byte[] {0x0a, 0x00});
        assertThatThrownBy(() -> ModelFormat.detect(pb)).hasMessageContaining("does not start like a TensorFlow GraphDef");
    }

    @Test
    void kerasArchitectureJsonIsRecognisedByItsKeysNotItsName() throws IOException {
        Path json = dir.resolve("topology.txt");
        Files.writeString(json, "  {\"module\": \"keras\", \"config\": {\"layers\": []}, \"class_name\": \"Sequential\"}");
        assertThat(ModelFormat.detect(json)).isEqualTo(ModelFormat.KERAS_JSON);
        assertThat(ModelFormat.kerasArchitecture(json)).isEqualTo(json);
        assertThat(ModelFormat.kerasWeights(json)).isEmpty();

        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"name\": \"x\", \"config\": {}}");
        assertThatThrownBy(() -> ModelFormat.detect(other)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is JSON but not a Keras model architecture");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"class_name\": ");
        assertThatThrownBy(() -> ModelFormat.detect(broken)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("starts like JSON but does not parse");
    }

    @Test
    void directoryWithOneJsonAndOneWeightsFileIsAKerasArchitecture() throws IOException {
        Path pair = Files.createDirectories(dir.resolve("pair"));
        Files.writeString(pair.resolve("model.json"), "{\"class_name\": \"Sequential\", \"config\": []}");
        Files.write(pair.resolve("model.weights.h5"), new byte[] {1});
        Files.writeString(pair.resolve("README.md"), "other files do not matter");
        Files.writeString(pair.resolve("metadata.json"), "{\"keras_version\": \"3.15.1\"}");
        assertThat(ModelFormat.detect(pair)).isEqualTo(ModelFormat.KERAS_JSON);
        assertThat(ModelFormat.kerasArchitecture(pair)).isEqualTo(pair.resolve("model.json"));
        assertThat(ModelFormat.kerasWeights(pair)).contains(pair.resolve("model.weights.h5"));

        Files.write(pair.resolve("other.h5"), new byte[] {1});
        assertThatThrownBy(() -> ModelFormat.detect(pair)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("or exactly one Keras architecture *.json and one weights *.h5 file (found [model.json] and "
                        + "[model.weights.h5, other.h5])");
    }

    @Test
    void graphDefIsRecognisedByItsFirstNodeAndASavedModelFileIsPointedToItsDirectory() throws IOException {
        Path graph = dir.resolve("graph.bin");
        // GraphDef.node (field 1, 9 bytes) { NodeDef.name (field 1, 1 byte) "x", NodeDef.op (field 2) "Const" }
        Files.write(graph, new byte[] {0x0a, 0x0a, 0x0a, 0x01, 'x', 0x12, 0x05, 'C', 'o', 'n', 's', 't'});
        assertThat(ModelFormat.detect(graph)).isEqualTo(ModelFormat.GRAPH_DEF);

        Path savedModel = Files.createDirectories(dir.resolve("sm"));
        Path pb = Files.write(savedModel.resolve("saved_model.pb"), new byte[] {0x08, 0x01, 0x12, 0x00});
        assertThatThrownBy(() -> ModelFormat.detect(pb)).isInstanceOf(ModelLoadException.class)
                .hasMessage("File " + pb + " is the graph of a TensorFlow SavedModel: load its directory " + savedModel);
    }
}
