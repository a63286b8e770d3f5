package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.testing.LegacyFixtures;
import org.mlj.api.testing.LegacyFixtures.Fixture;
import org.mlj.api.testing.TensorAssertions;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TensorFlow 1 artifacts of {@code models/legacy} (written by {@code python -m mlj_export legacy}): a
 * frozen GraphDef, and SavedModels without variables, with string inputs and outputs, with a
 * {@code keep_prob} placeholder of unknown rank, with an empty method name, and with a main_op or a
 * legacy_init_op; against the Python reference outputs.
 */
class LegacyTensorFlowFormatsTest {
    private static final double TOLERANCE = 1e-6;
    /** The mlj-api test jar registers test backends too: name this one. */
    private static final LoadOptions TF = LoadOptions.builder().backend("tensorflow").build();

    @TempDir
    Path tmp;

    static List<Fixture> fixtures() {
        return LegacyFixtures.forBackend("tensorflow");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesPython(Fixture fixture) {
        try (Model model = Models.load(fixture.model(), fixture.loadOptions())) {
            assertThat(model.backend()).isEqualTo("tensorflow");
            assertThat(model.signature().inputs().stream().filter(spec -> !spec.optional()).map(TensorSpec::name))
                    .containsExactlyInAnyOrderElementsOf(fixture.inputs().keySet());
            Outputs outputs = model.predict(fixture.inputs());
            assertThat(outputs.names()).containsExactlyInAnyOrderElementsOf(fixture.outputs().keySet());
            fixture.outputs().forEach((name, expected) ->
                    TensorAssertions.assertClose(outputs.get(name), expected, TOLERANCE, fixture.name() + " " + name));
        }
    }

    @Test
    void fixturesCoverEveryTf1CornerCase() {
        assertThat(fixtures()).extracting(Fixture::name).containsExactlyInAnyOrder("frozen_graph", "frozen_learning_phase",
                "tf1_no_variables", "tf1_strings",
                "tf1_keep_prob", "tf1_empty_method", "tf1_main_op", "tf1_legacy_init_op", "tf1_classify");
        assertThat(Files.exists(LegacyFixtures.get("tf1_no_variables").model().resolve("variables/variables.index"))).isFalse();
    }

    @Test
    void frozenGraphPlaceholdersAreInputsAndSinksAreTheDefaultOutputs() {
        Fixture fixture = LegacyFixtures.get("frozen_graph");
        assertThat(ModelFormat.detect(fixture.model())).isEqualTo(ModelFormat.GRAPH_DEF);
        try (Model model = Models.load(fixture.model(), TF)) {
            assertThat(model.format()).isEqualTo(ModelFormat.GRAPH_DEF);
            assertThat(model.signature().name()).isEqualTo("serving_default");
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("input", DType.FLOAT32, Shape.of(-1, 8)));
            assertThat(model.signature().outputs()).containsExactly(TensorSpec.of("probabilities", DType.FLOAT32, Shape.of(-1, 3)));
            assertThat(model.details()).containsEntry("outputs", "probabilities (the graph's sinks)");
            assertThat(model.supportsLayerOutputs()).isFalse();
            TensorAssertions.assertClose(model.predict(fixture.inputs()).get("probabilities"), fixture.outputs().get("probabilities"),
                    TOLERANCE, "frozen graph sinks");
        }
    }

    @Test
    void frozenGraphOutputsMayNameTensorsWithTheirIndex() {
        Fixture fixture = LegacyFixtures.get("frozen_graph");
        LoadOptions options = TF.toBuilder().option(TensorFlowBackend.OUTPUTS.key(), "logits:0, probabilities").build();
        try (Model model = Models.load(fixture.model(), options)) {
            assertThat(model.signature().outputNames()).containsExactly("logits", "probabilities");
        }
        LoadOptions missing = TF.toBuilder().option(TensorFlowBackend.OUTPUTS.key(), "scores").build();
        assertThatThrownBy(() -> Models.load(fixture.model(), missing)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no node 'scores'").hasMessageContaining("its sinks are [probabilities]");
        LoadOptions badIndex = TF.toBuilder().option(TensorFlowBackend.OUTPUTS.key(), "logits:3").build();
        assertThatThrownBy(() -> Models.load(fixture.model(), badIndex)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no tensor 'logits:3': node logits (Identity) has 1 outputs");
        LoadOptions hugeIndex = TF.toBuilder().option(TensorFlowBackend.OUTPUTS.key(), "logits:99999999999999999999").build();
        assertThatThrownBy(() -> Models.load(fixture.model(), hugeIndex)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no tensor 'logits:99999999999999999999': node logits (Identity) has 1 outputs");
    }

    @Test
    void frozenLearningPhaseWithADefaultIsOptionalAndKeepsItsDefault() {
        Fixture fixture = LegacyFixtures.get("frozen_learning_phase");
        try (Model model = Models.load(fixture.model(), TF)) {
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("input", DType.FLOAT32, Shape.of(-1, 8)),
                    TensorSpec.of("keras_learning_phase", DType.BOOL, Shape.scalar()).asOptional());
            Tensor input = fixture.inputs().get("input");
            Tensor inference = model.predict(Map.of("input", input)).get("output");
            TensorAssertions.assertClose(inference, fixture.outputs().get("output"), TOLERANCE, "default learning phase");
            Tensor training = model.predict(Map.of("input", input, "keras_learning_phase", Tensor.scalar(true))).get("output");
            assertThat(training).isNotEqualTo(inference);
        }
    }

    @Test
    void outputsOptionOnASavedModelIsRefused() {
        LoadOptions options = TF.toBuilder().option(TensorFlowBackend.OUTPUTS.key(), "y").build();
        assertThatThrownBy(() -> Models.load(LegacyFixtures.get("tf1_no_variables").model(), options))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("names the outputs of a frozen GraphDef");
    }

    @Test
    void keepProbIsAScalarInputOfUnknownRank() {
        Fixture fixture = LegacyFixtures.get("tf1_keep_prob");
        try (Model model = Models.load(fixture.model(), TF)) {
            assertThat(model.signature().inputs()).contains(TensorSpec.of("keep_prob", DType.FLOAT32, Shape.unknownRank()));
            Tensor x = fixture.inputs().get("x");
            Tensor y = model.predict(Map.of("x", x, "keep_prob", Tensor.scalar(1f))).get("y");
            TensorAssertions.assertClose(y, fixture.outputs().get("y"), TOLERANCE, "keep_prob 1");
            Tensor dropped = model.predict(Map.of("x", x, "keep_prob", Tensor.scalar(0.5f))).get("y");
            assertThat(dropped).isNotEqualTo(y);
        }
    }

    @Test
    void stringsEmptyMethodsAndInitOpsWork() {
        try (Model model = Models.load(LegacyFixtures.get("tf1_strings").model(), TF)) {
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("text", DType.STRING, Shape.of(-1)));
            Outputs outputs = model.predict(Map.of("text", Tensor.ofStrings(new String[] {"abc", "Ünï"}, 2)));
            assertThat(outputs.get("upper").toStringArray()).containsExactly("ABC", "ÜNï");
            assertThat(outputs.get("length").toIntArray()).containsExactly(3, 5);
        }
        try (Model model = Models.load(LegacyFixtures.get("tf1_empty_method").model(), TF)) {
            assertThat(model.signatures()).extracting(s -> s.name()).containsExactly("serving_default");
        }
        try (Model model = Models.load(LegacyFixtures.get("tf1_main_op").model(), TF)) {
            assertThat(model.predict(Map.of("word", Tensor.ofStrings(new String[] {"dog", "yak"}, 2))).get("id").toLongArray())
                    .containsExactly(1L, -1L);
        }
        try (Model model = Models.load(LegacyFixtures.get("tf1_legacy_init_op").model(), TF)) {
            assertThat(model.predict(Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3))).get("y").toFloatArray())
                    .containsExactly(6f, 7f, 8f);
        }
    }

    @Test
    void classifySignatureOnSerializedExamples() {
        Fixture fixture = LegacyFixtures.get("tf1_classify");
        try (Model model = Models.load(fixture.model(), TF)) {
            assertThat(model.signature().inputs()).containsExactly(TensorSpec.of("inputs", DType.STRING, Shape.of(-1)));
            assertThat(model.signature().outputs()).extracting(TensorSpec::name, TensorSpec::dtype)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("classes", DType.STRING),
                            org.assertj.core.groups.Tuple.tuple("scores", DType.FLOAT32));
            Tensor garbage = Tensor.ofByteStrings(new byte[][] {{(byte) 0xff, 0x01}}, 1);
            assertThatThrownBy(() -> model.predict(Map.of("inputs", garbage))).isInstanceOf(org.mlj.api.InvalidInputException.class)
                    .hasMessageContaining("TensorFlow rejected the inputs of signature 'serving_default'");
        }
    }

    @Test
    void unknownOpsVariablesAndUnsupportedPlaceholdersAreRefusedBeforeImport() throws IOException {
        NodeDef x = placeholder("x", DataType.DT_FLOAT);
        Path custom = write("custom.pb", x, NodeDef.newBuilder().setName("y").setOp("MyCustomOp").addInput("x").build());
        assertThatThrownBy(() -> Models.load(custom, TF)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("uses op MyCustomOp that TensorFlow");
        Path unfrozen = write("unfrozen.pb", x, NodeDef.newBuilder().setName("w").setOp("VariableV2")
                .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build(),
                NodeDef.newBuilder().setName("y").setOp("Mul").addInput("x").addInput("w").build());
        assertThatThrownBy(() -> Models.load(unfrozen, TF)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("is not frozen: it still has variables [w (VariableV2)]");
        Path complex = write("complex.pb", placeholder("z", DataType.DT_COMPLEX64),
                NodeDef.newBuilder().setName("y").setOp("Identity").addInput("z").build());
        assertThatThrownBy(() -> Models.load(complex, TF)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("has placeholders [z (DT_COMPLEX64)] of types mlj does not carry");
    }

    @Test
    void aGraphTensorFlowCannotImportIsALoadError() throws IOException {
        Path dangling = write("dangling.pb", placeholder("x", DataType.DT_FLOAT),
                NodeDef.newBuilder().setName("y").setOp("AddV2").addInput("x").addInput("missing").build());
        assertThatThrownBy(() -> Models.load(dangling, TF)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot import frozen graph " + dangling);
        Path untyped = write("untyped.pb", placeholder("x", DataType.DT_FLOAT),
                NodeDef.newBuilder().setName("y").setOp("Identity").addInput("x")
                        .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_INT32).build()).build());
        assertThatThrownBy(() -> Models.load(untyped, TF)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot import frozen graph " + untyped);
    }

    @Test
    void corruptGraphDefIsALoadError() throws IOException {
        Path corrupt = Files.write(tmp.resolve("frozen_model.pb"), new byte[] {0x0a, 0x20, 0x0a, 0x01, 'x', 0x12, 0x7f, 1, 2});
        assertThatThrownBy(() -> Models.load(corrupt, TF)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("is corrupt: it does not parse as a TensorFlow GraphDef");
    }

    private static NodeDef placeholder(String name, DataType type) {
        return NodeDef.newBuilder().setName(name).setOp("Placeholder")
                .putAttr("dtype", AttrValue.newBuilder().setType(type).build())
                .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dim.newBuilder().setSize(-1))).build())
                .build();
    }

    private Path write(String name, NodeDef... nodes) throws IOException {
        return Files.write(tmp.resolve(name), GraphDef.newBuilder().addAllNode(List.of(nodes)).build().toByteArray());
    }
}
