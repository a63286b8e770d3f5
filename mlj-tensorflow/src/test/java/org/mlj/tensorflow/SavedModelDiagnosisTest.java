package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/** Every way a SavedModel can fail to load ends in a typed exception that says what to do. */
class SavedModelDiagnosisTest {
    @TempDir
    Path temp;

    @Test
    void missingPath() {
        Path missing = temp.resolve("nowhere");
        assertThatThrownBy(() -> Models.load(missing))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> load(missing))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining(missing + " does not exist");
    }

    @Test
    void directoryThatIsNoSavedModel() throws IOException {
        Files.writeString(temp.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> Models.load(temp))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("saved_model.pb");
        assertThatThrownBy(() -> load(temp))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not a SavedModel: it has no saved_model.pb");
    }

    @Test
    void corruptSavedModelPb() throws IOException {
        Path model = copy(ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        Path pb = model.resolve("saved_model.pb");
        byte[] bytes = Files.readAllBytes(pb);
        Files.write(pb, Arrays.copyOf(bytes, bytes.length / 3));
        assertThatThrownBy(() -> Models.load(model))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is corrupt: its saved_model.pb does not parse");
    }

    @Test
    void missingVariables() throws IOException {
        Path model = copy(ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        delete(model.resolve("variables"));
        assertThatThrownBy(() -> Models.load(model))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Cannot restore the variables")
                .hasMessageContaining("variables.index is missing");
    }

    @Test
    void corruptVariables() throws IOException {
        Path model = copy(ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        try (Stream<Path> files = Files.list(model.resolve("variables"))) {
            for (Path data : files.filter(f -> f.getFileName().toString().startsWith("variables.data")).toList()) {
                Files.write(data, new byte[16]);
            }
        }
        assertThatThrownBy(() -> Models.load(model))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Cannot restore the variables")
                .hasMessageContaining("variables/ folder is missing or corrupt");
    }

    @Test
    void opUnknownToTheRuntimeIsNamedWithTheRuntimeVersion() throws IOException {
        Path model = copy(ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        Path pb = model.resolve("saved_model.pb");
        SavedModel savedModel;
        try (InputStream in = Files.newInputStream(pb)) {
            savedModel = SavedModel.parseFrom(in);
        }
        SavedModel.Builder edited = savedModel.toBuilder();
        MetaGraphDef.Builder metaGraph = edited.getMetaGraphsBuilder(0);
        int renamed = 0;
        for (FunctionDef.Builder function : metaGraph.getGraphDefBuilder().getLibraryBuilder().getFunctionBuilderList()) {
            for (NodeDef.Builder node : function.getNodeDefBuilderList()) {
                if (node.getOp().equals("MatMul")) {
                    node.setOp("MljBogusMatMul");
                    renamed++;
                }
            }
        }
        assertThat(renamed).isPositive();
        try (OutputStream out = Files.newOutputStream(pb)) {
            edited.build().writeTo(out);
        }
        assertThatThrownBy(() -> Models.load(model))
                .isInstanceOfSatisfying(UnsupportedModelException.class,
                        e -> assertThat(e.unsupported()).containsExactly("MljBogusMatMul"))
                .hasMessageContaining("uses op MljBogusMatMul that TensorFlow " + TensorFlow.version());
    }

    @Test
    void bundleWhoseManifestDisagreesWithItsSavedModel() throws IOException {
        Path bundle = copy(ModelFixtures.model("mnist_ffnn"));
        Path manifest = bundle.resolve("mlj.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"name\": \"predictions\"", "\"name\": \"probabilities\""));
        assertThatThrownBy(() -> Models.load(bundle, LoadOptions.builder().backend("tensorflow").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is inconsistent")
                .hasMessageContaining("probabilities");
    }

    private static void load(Path path) {
        new TensorFlowBackend().load(new ModelSource(path, ModelFormat.SAVED_MODEL, Optional.empty()), LoadOptions.defaults());
    }

    private Path copy(Path source) throws IOException {
        Path target = temp.resolve(source.getFileName().toString());
        try (Stream<Path> files = Files.walk(source)) {
            files.forEach(file -> {
                try {
                    Files.copy(file, target.resolve(source.relativize(file).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return target;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
