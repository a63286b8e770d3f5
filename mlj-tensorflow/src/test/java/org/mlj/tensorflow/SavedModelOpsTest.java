package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.testing.ModelFixtures;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * SavedModels that read, write or list files (made by {@code unsafe_saved_models/make_unsafe_models.py})
 * are refused before TensorFlow sees them, naming the ops; the opt-in loads them; every committed model
 * still loads.
 */
class SavedModelOpsTest {
    /** Where the write_file model writes (see make_unsafe_models.py). */
    private static final Path WRITE_PROBE = Path.of("/tmp/mlj-savedmodel-write-probe.txt");
    private static final LoadOptions TENSORFLOW = LoadOptions.builder().backend("tensorflow").build();

    @BeforeEach
    @AfterEach
    void removeProbe() throws IOException {
        Files.deleteIfExists(WRITE_PROBE);
    }

    static Path unsafe(String name) {
        try {
            return Path.of(SavedModelOpsTest.class.getResource("/unsafe_saved_models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"read_file, ReadFile", "write_file, WriteFile", "list_files, MatchingFiles"})
    void refusesFileSystemOpsByDefaultNamingThem(String model, String op) {
        assertThatThrownBy(() -> Models.load(unsafe(model), TENSORFLOW))
                .isInstanceOfSatisfying(UnsupportedModelException.class,
                        e -> assertThat(e.unsupported()).containsExactly(op + " (op)"))
                .hasMessageContaining("is refused")
                .hasMessageContaining(op)
                .hasMessageContaining("tensorflow.allowOps=" + op);
        assertThat(WRITE_PROBE).doesNotExist();
    }

    @Test
    void optInLoadsAndRunsTheReadingModel() throws IOException {
        LoadOptions allow = TENSORFLOW.toBuilder().option(SavedModelOps.ALLOW_OPS_PROPERTY, "ReadFile").build();
        try (Model model = Models.load(unsafe("read_file"), allow)) {
            Map<String, Tensor> outputs = model.predict(Map.of("x", Tensor.ofFloats(new float[] {1, 2}, 2))).asMap();
            assertThat(outputs.get("y").toFloatArray()).containsExactly(2, 4);
            assertThat(outputs.get("content").toStringArray()[0]).isEqualTo(Files.readString(Path.of("/etc/hostname")));
        }
    }

    @Test
    void optInForOneOpDoesNotAllowAnother() {
        LoadOptions allow = TENSORFLOW.toBuilder().option(SavedModelOps.ALLOW_OPS_PROPERTY, "ReadFile").build();
        assertThatThrownBy(() -> Models.load(unsafe("write_file"), allow))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("WriteFile");
    }

    @Test
    void wildcardOptInRunsAnything() {
        LoadOptions allow = TENSORFLOW.toBuilder().option(SavedModelOps.ALLOW_OPS_PROPERTY, "*").build();
        try (Model model = Models.load(unsafe("write_file"), allow)) {
            model.predict(Map.of("x", Tensor.ofFloats(new float[] {1, 2}, 2)));
        }
        assertThat(WRITE_PROBE).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "mnist_cnn", "imdb_lstm", "tf1_learning_phase", "dtypes_echo"})
    void everyCommittedModelUsesOnlyAllowedOpsAndLoads(String name) throws IOException {
        Path directory = ModelFixtures.model(name).resolve("saved_model");
        MetaGraphDef metaGraph = SavedModel.parseFrom(Files.readAllBytes(directory.resolve("saved_model.pb"))).getMetaGraphs(0);
        assertThat(SavedModelOps.allowlist()).containsAll(SavedModelOps.reachableOps(metaGraph));
        try (Model model = Models.load(directory, TENSORFLOW)) {
            assertThat(model.signatures()).isNotEmpty();
        }
    }

    @Test
    void theSaverSubgraphIsNotCheckedBecauseLoadingNeverRunsIt() throws IOException {
        Path directory = ModelFixtures.model("mnist_cnn").resolve("saved_model");
        MetaGraphDef metaGraph = SavedModel.parseFrom(Files.readAllBytes(directory.resolve("saved_model.pb"))).getMetaGraphs(0);
        assertThat(SavedModelOps.reachableOps(metaGraph)).contains("RestoreV2", "Conv2D").doesNotContain("SaveV2", "MergeV2Checkpoints");
        assertThat(SavedModelOps.allowlist()).doesNotContain("SaveV2", "MergeV2Checkpoints", "WriteFile", "ReadFile",
                "MatchingFiles", "DeleteFile", "PrintV2", "InitializeTableFromTextFileV2");
    }

    /** A frozen GraphDef is a program too: a graph whose node reads a file is refused, and loads with the opt-in. */
    @Test
    void refusesAFrozenGraphThatReadsAFileUnlessAllowed(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        AttrValue string = AttrValue.newBuilder().setType(DataType.DT_STRING).build();
        GraphDef graph = GraphDef.newBuilder()
                .addNode(NodeDef.newBuilder().setName("path").setOp("Placeholder").putAttr("dtype", string))
                .addNode(NodeDef.newBuilder().setName("contents").setOp("ReadFile").addInput("path"))
                .build();
        Path file = dir.resolve("frozen_model.pb");
        Files.write(file, graph.toByteArray());

        assertThatThrownBy(() -> Models.load(file, TENSORFLOW))
                .isInstanceOfSatisfying(UnsupportedModelException.class, e -> assertThat(e.unsupported()).containsExactly("ReadFile (op)"))
                .hasMessageContaining("Frozen graph " + file + " is refused")
                .hasMessageContaining("tensorflow.allowOps=ReadFile");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "frozen graphs can read files");
        try (Model model = Models.load(file, TENSORFLOW.toBuilder().option("tensorflow.allowOps", "ReadFile").build())) {
            Tensor contents = model.predict(Map.of("path", Tensor.wrapStrings(org.mlj.api.Shape.scalar(), new byte[][] {secret.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)}))).get("contents");
            assertThat(contents.toStringArray()).containsExactly("frozen graphs can read files");
        }
    }
}
