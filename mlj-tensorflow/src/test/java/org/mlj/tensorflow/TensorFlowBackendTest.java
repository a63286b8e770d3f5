package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.BundleInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.ModelLoader;
import org.mlj.api.Models;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.tensorflow.TensorFlow;

/** Discovery, formats, load options and what a loaded model reports about itself. */
class TensorFlowBackendTest {

    @Test
    void isDiscoveredThroughServiceLoader() {
        assertThat(ModelLoader.discover(getClass().getClassLoader())).hasAtLeastOneElementOfType(TensorFlowBackend.class);
        Backend backend = Models.loader().backend("tensorflow").orElseThrow();
        assertThat(backend).isInstanceOf(TensorFlowBackend.class);
        assertThat(backend.artifact()).isEqualTo("org.mlj:mlj-tensorflow");
        assertThat(backend.formats()).containsExactlyInAnyOrder(ModelFormat.SAVED_MODEL, ModelFormat.GRAPH_DEF, ModelFormat.MLJ_BUNDLE);
        assertThat(backend.priority(ModelFormat.MLJ_BUNDLE)).isEqualTo(10);
        assertThat(backend.priority(ModelFormat.SAVED_MODEL)).isEqualTo(10);
        assertThat(backend.priority(ModelFormat.GRAPH_DEF)).isEqualTo(10);
        assertThat(backend.priority(ModelFormat.KERAS)).isZero();
    }

    @Test
    void loadsBundlesByDefault() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        assertThat(Models.loader().choose(ModelSource.of(bundle), LoadOptions.defaults()).name()).isEqualTo("tensorflow");
        try (Model model = Models.load(bundle)) {
            assertThat(model.backend()).isEqualTo("tensorflow");
            assertThat(model.format()).isEqualTo(ModelFormat.MLJ_BUNDLE);
            assertThat(model.source()).isEqualTo(bundle.toAbsolutePath().normalize());
            assertThat(model.bundle()).get().extracting(BundleInfo::name).isEqualTo("mnist_cnn");
            assertThat(model.signature().inputs().get(0).layout()).isEqualTo("NHWC");
        }
    }

    @Test
    void refusesABundleWithoutSavedModel() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        BundleManifest manifest = BundleManifest.read(bundle);
        BundleManifest withoutSavedModel = new BundleManifest(bundle, manifest.format(), manifest.formatVersion(), manifest.name(),
                manifest.description(), manifest.created(), manifest.versions(), Map.of("keras", "model.keras"),
                manifest.signatures(), manifest.inputs(), manifest.outputs(), manifest.layers(), manifest.labels(),
                manifest.preprocessing(), manifest.metrics(), manifest.reference());
        ModelSource source = new ModelSource(bundle, ModelFormat.MLJ_BUNDLE, Optional.of(withoutSavedModel));
        TensorFlowBackend backend = new TensorFlowBackend();
        assertThat(backend.canLoad(source)).isFalse();
        assertThatThrownBy(() -> backend.load(source, LoadOptions.defaults()))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no SavedModel");
        assertThat(backend.canLoad(new ModelSource(bundle.resolve("model.keras"), ModelFormat.KERAS, Optional.empty()))).isFalse();
    }

    @Test
    void plainSavedModelIsNamedBySignatureKeysAndHasNoLayerOutputs() {
        try (Model model = Models.load(ModelFixtures.model("mnist_cnn").resolve("saved_model"))) {
            assertThat(model.format()).isEqualTo(ModelFormat.SAVED_MODEL);
            assertThat(model.bundle()).isEmpty();
            assertThat(model.signatures()).extracting(Signature::name).containsExactly("serving_default", "layer_outputs");
            assertThat(model.signature().inputNames()).containsExactly("image");
            assertThat(model.signature().outputNames()).containsExactly("predictions");
            assertThat(model.layers()).isEmpty();
            assertThat(model.supportsLayerOutputs()).isFalse();
            assertThat(model.layerOutputsUnsupportedReason()).get(STRING)
                    .contains("python -m mlj_export bundle MODEL.keras OUT_DIR");
            Tensor image = Tensor.ofFloats(new float[784], 1, 28, 28, 1);
            assertThatThrownBy(() -> model.layerOutputs(Map.of("image", image), List.of("conv1")))
                    .isInstanceOf(UnsupportedModelException.class)
                    .hasMessageContaining("python -m mlj_export bundle MODEL.keras OUT_DIR");
        }
    }

    @Test
    void optionsChooseSignatureTagsAndThreads() {
        LoadOptions options = LoadOptions.builder().signature("layer_outputs").option("tensorflow.tags", "serve")
                .option("tensorflow.intraOpThreads", 1).option("tensorflow.interOpThreads", 2)
                .option("tensorflow.runInCallerThread", false).build();
        try (Model model = Models.load(ModelFixtures.model("mnist_ffnn"), options)) {
            assertThat(model.signature().name()).isEqualTo("layer_outputs");
            assertThat(model.signature().outputNames()).containsExactly("hidden", "dropout", "predictions");
            assertThat(model.details()).containsEntry("tensorflow_version", TensorFlow.version())
                    .containsEntry("tags", "serve")
                    .containsEntry("intra_op_threads", "1")
                    .containsEntry("inter_op_threads", "2")
                    .containsEntry("run_in_caller_thread", "false")
                    .containsEntry("saved_model", ModelFixtures.model("mnist_ffnn").resolve("saved_model").toAbsolutePath().normalize().toString());
            assertThat(model.predict(Tensor.ofFloats(new float[784], 1, 784)).shape().dims()).containsExactly(1, 128);
        }
        try (Model model = Models.load(ModelFixtures.model("mnist_ffnn"))) {
            assertThat(model.signature().name()).isEqualTo("serving_default");
            assertThat(model.details()).containsEntry("intra_op_threads", "default").containsEntry("inter_op_threads", "default")
                    .containsEntry("run_in_caller_thread", "true");
        }
    }

    @Test
    void callerThreadAndPoolRunsGiveTheSameOutputs() {
        Tensor image = ModelFixtures.references(ModelFixtures.model("mnist_cnn")).get(0).inputs().get("image");
        LoadOptions pool = LoadOptions.builder().option("tensorflow.runInCallerThread", false).build();
        try (Model inCaller = Models.load(ModelFixtures.model("mnist_cnn"));
             Model inPool = Models.load(ModelFixtures.model("mnist_cnn"), pool)) {
            assertThat(inCaller.predict(Map.of("image", image)).asMap()).isEqualTo(inPool.predict(Map.of("image", image)).asMap());
        }
    }

    @Test
    void unknownSignatureListsTheAvailableOnes() {
        LoadOptions options = LoadOptions.builder().signature("classify").build();
        assertThatThrownBy(() -> Models.load(ModelFixtures.model("mnist_ffnn"), options))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Unknown signature 'classify'")
                .hasMessageContaining("serving_default").hasMessageContaining("layer_outputs");
    }

    @Test
    void unknownTagListsTheAvailableTagSets() {
        LoadOptions options = LoadOptions.builder().option("tensorflow.tags", "gpu").build();
        assertThatThrownBy(() -> Models.load(ModelFixtures.model("mnist_ffnn"), options))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no meta graph tagged [gpu]")
                .hasMessageContaining("its tag-sets are [[serve]]");
    }
}
