package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

/**
 * The committed bundles, loaded from the bundle directory, its {@code model.keras} and its
 * {@code model.h5}, against the Python reference outputs and per-layer outputs of every batch.
 */
class Dl4jBackendParityTest {
    private static final double TOLERANCE = 1e-5;
    private static final LoadOptions DL4J = LoadOptions.builder().backend("dl4j").build();
    private static final List<String> SUMMARY = new ArrayList<>();

    static Stream<Arguments> models() {
        return Stream.of("mnist_ffnn", "mnist_cnn", "imdb_lstm")
                .flatMap(name -> Stream.of(".", "model.keras", "model.h5").map(file -> Arguments.of(name, file)));
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("models")
    void outputsAndLayerOutputsMatchPython(String name, String file) {
        Path bundle = ModelFixtures.model(name);
        BundleManifest manifest = BundleManifest.read(bundle);
        Path path = bundle.resolve(file).normalize();
        try (Model model = Models.load(path, DL4J)) {
            assertThat(model.backend()).isEqualTo("dl4j");
            assertThat(model.format()).isEqualTo(file.equals(".") ? ModelFormat.MLJ_BUNDLE
                    : file.endsWith(".keras") ? ModelFormat.KERAS : ModelFormat.HDF5);
            assertThat(model.signature().name()).isEqualTo("serving_default");
            assertThat(model.signature().inputNames()).containsExactlyElementsOf(
                    manifest.inputSpecs().stream().map(TensorSpec::name).toList());
            assertThat(model.signature().outputNames()).containsExactlyElementsOf(
                    manifest.outputSpecs().stream().map(TensorSpec::name).toList());
            assertThat(model.layers()).extracting(LayerInfo::name).containsExactlyElementsOf(
                    manifest.layerInfos().stream().map(LayerInfo::name).toList());
            assertThat(model.layers()).extracting(LayerInfo::outputShape).containsExactlyElementsOf(
                    manifest.layerInfos().stream().map(LayerInfo::outputShape).toList());
            assertThat(model.supportsLayerOutputs()).isTrue();

            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                String what = name + "/" + file + "/" + batch.name();
                Map<String, Double> diffs = new LinkedHashMap<>();
                Outputs outputs = model.predict(batch.inputs());
                TensorAssertions.assertOutputsClose(outputs, batch.outputs(), TOLERANCE, what);
                batch.outputs().forEach((output, expected) -> diffs.put(output,
                        TensorAssertions.assertClose(outputs.get(output), expected, TOLERANCE, what).maxAbsDiff()));
                Outputs layers = model.layerOutputs(batch.inputs(), batch.layers().keySet());
                assertThat(layers.names()).containsExactlyElementsOf(batch.layers().keySet());
                double worstLayer = 0;
                for (Map.Entry<String, Tensor> layer : batch.layers().entrySet()) {
                    worstLayer = Math.max(worstLayer, TensorAssertions.assertClose(layers.get(layer.getKey()),
                            layer.getValue(), TOLERANCE, what + " layer '" + layer.getKey() + "'").maxAbsDiff());
                }
                diffs.put("layers", worstLayer);
                SUMMARY.add(what + " max abs diff " + diffs);
            }
        }
    }

    @AfterAll
    static void printSummary() {
        SUMMARY.forEach(System.out::println);
    }
}
