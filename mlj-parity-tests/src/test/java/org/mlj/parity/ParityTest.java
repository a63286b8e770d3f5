package org.mlj.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.mlj.api.LayerInfo;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.TextTokenizer;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.bundle.TensorComparison;

/**
 * The promise of mlj — what Python computed, Java computes — checked for every bundle under
 * {@code models/} on every backend that {@link java.util.ServiceLoader} finds on this module's
 * classpath, exactly as a user gets them.
 *
 * <p>Outputs must be within {@link #OUTPUT_ATOL} of the Python reference with 100% class agreement;
 * layer outputs within {@link #LAYER_ATOL} + {@link #LAYER_RTOL} × |reference|; the backends within
 * {@link #OUTPUT_ATOL} of each other. Missing backends, bundles or reference files fail the suite.
 *
 * <p>The layer zoo ({@code models/zoo/*}) runs on every backend too, outputs and layer outputs within
 * {@link #LAYER_ATOL} + {@link #LAYER_RTOL} × |reference|; the tensorflow backend must run every zoo
 * model, the dl4j backend may refuse one (a report row says why). What each backend did becomes the
 * supported-layers table ({@code target/supported-layers.md}), which must equal the README's (run with
 * {@code -Dmlj.zoo.updateReadme=true} to rewrite the README's table).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ParityTest {
    /** float32 outputs (probabilities): absolute tolerance against Python, every model. */
    static final double OUTPUT_ATOL = 1e-5;
    /** Layer activations are unbounded (conv/dense pre-softmax values reach ~10): absolute part. */
    static final double LAYER_ATOL = 1e-5;
    /** ... and relative part, scaled by the reference value. */
    static final double LAYER_RTOL = 1e-5;
    /** Bundles every required backend must load and match; other bundles may be unsupported by a backend. */
    static final List<String> REQUIRED_BUNDLES = List.of("imdb_lstm", "mnist_cnn", "mnist_ffnn");

    /** Backends that must run every zoo model (the others may refuse a model, naming the layers). */
    static final List<String> ZOO_COMPLETE_BACKENDS = List.of("tensorflow");

    private static final ParityReport REPORT = new ParityReport();
    private static final ModelLoader LOADER = ModelLoader.fromClasspath();
    private static final SupportedLayersTable LAYERS = new SupportedLayersTable(requiredBackends());

    static List<String> requiredBackends() {
        return Arrays.stream(System.getProperty("mlj.parity.backends", "tensorflow,dl4j").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @AfterAll
    static void writeReport() {
        Path file = Path.of(System.getProperty("mlj.parity.report", "target/parity-report.md"));
        REPORT.write(file);
        if (LAYERS.results() > 0) {
            LAYERS.write(file.resolveSibling("supported-layers.md"));
        }
        System.out.println();
        System.out.println(REPORT.toMarkdown());
        System.out.println("Parity report written to " + file.toAbsolutePath());
    }

    @Test
    void everyRequiredBackendIsOnTheClasspath() {
        assertThat(LOADER.backends()).extracting(Backend::name).containsAll(requiredBackends());
    }

    @Test
    void everyRequiredBundleIsPresent() {
        assertThat(ModelFixtures.bundles()).extracting(p -> p.getFileName().toString()).containsAll(REQUIRED_BUNDLES);
    }

    @TestFactory
    Stream<DynamicTest> everyBundleMatchesPythonOnEveryBackend() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path bundle : ModelFixtures.bundles()) {
            for (Backend backend : LOADER.backends()) {
                String name = bundle.getFileName() + " on " + backend.name();
                tests.add(DynamicTest.dynamicTest(name, () -> checkAgainstPython(bundle, backend)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyZooModelMatchesPythonOrIsRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path bundle : ModelFixtures.zooBundles()) {
            for (String backend : requiredBackends()) {
                tests.add(DynamicTest.dynamicTest("zoo/" + bundle.getFileName() + " on " + backend, () -> checkZooModel(bundle, backend)));
            }
        }
        return tests.stream();
    }

    /** Runs after the zoo: the README's supported-layers table is what the zoo just showed. */
    @Test
    @Order(2)
    void readmeSupportedLayersTableMatchesTheZoo() throws IOException {
        int expected = ModelFixtures.zooBundles().size() * requiredBackends().size();
        assertThat(LAYERS.results()).as("zoo results recorded (run the whole ParityTest class)").isEqualTo(expected);
        Path readme = ModelFixtures.root().resolve("README.md");
        String current = Files.readString(readme);
        String updated = SupportedLayersTable.withTable(current, LAYERS.toMarkdown());
        if (Boolean.getBoolean("mlj.zoo.updateReadme")) {
            Files.writeString(readme, updated);
            return;
        }
        assertThat(SupportedLayersTable.lines(current)).as("README.md's supported-layers table differs from what the zoo shows "
                + "(target/supported-layers.md); rerun with -Dmlj.zoo.updateReadme=true to rewrite it")
                .containsExactlyElementsOf(SupportedLayersTable.lines(updated));
    }

    private void checkZooModel(Path bundle, String backend) {
        String model = "zoo/" + bundle.getFileName();
        BundleManifest manifest = BundleManifest.read(bundle);
        List<String> classes = manifest.layerInfos().stream().map(LayerInfo::className).distinct().toList();
        LAYERS.classes(bundle.getFileName().toString(), classes);
        List<String> failures = new ArrayList<>();
        try (Model loaded = LOADER.load(bundle, LoadOptions.builder().backend(backend).build())) {
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                Outputs outputs = loaded.predict(batch.inputs());
                assertThat(outputs.names()).as(model + " outputs on " + backend).containsExactlyElementsOf(batch.outputs().keySet());
                for (Map.Entry<String, Tensor> expected : batch.outputs().entrySet()) {
                    compareWithinTolerance(model, backend, batch.name(), "output " + expected.getKey(),
                            outputs.get(expected.getKey()), expected.getValue(), failures);
                }
                Outputs layers = loaded.layerOutputs(batch.inputs(), List.copyOf(batch.layers().keySet()));
                for (Map.Entry<String, Tensor> expected : batch.layers().entrySet()) {
                    compareWithinTolerance(model, backend, batch.name(), "layer " + expected.getKey(),
                            layers.get(expected.getKey()), expected.getValue(), failures);
                }
            }
        } catch (UnsupportedModelException e) {
            REPORT.add(new ParityReport.Row(model, backend, "–", "–", Double.NaN, Double.NaN, "–", "–",
                    "refused: " + e.getMessage().replace('|', '/')));
            LAYERS.refused(backend, e.unsupported(), e.getMessage());
            assertThat(ZOO_COMPLETE_BACKENDS).as(backend + " refused " + model + ": " + e.getMessage()).doesNotContain(backend);
            assertThat(e.unsupported()).as("a refusal names the offending layers").isNotEmpty();
            return;
        } catch (RuntimeException | AssertionError e) {
            LAYERS.failed();
            REPORT.add(new ParityReport.Row(model, backend, "–", "–", Double.NaN, Double.NaN, "–", "–",
                    "FAIL: " + String.valueOf(e.getMessage()).replace('|', '/').lines().findFirst().orElse("")));
            throw e;
        }
        if (failures.isEmpty()) {
            LAYERS.matched(bundle.getFileName().toString(), backend, classes);
        } else {
            LAYERS.failed();
        }
        assertThat(failures).as(model + " on " + backend + " vs Python").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> backendsAgreeWithEachOther() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path bundle : ModelFixtures.bundles()) {
            if (REQUIRED_BUNDLES.contains(bundle.getFileName().toString())) {
                tests.add(DynamicTest.dynamicTest(bundle.getFileName() + " across backends", () -> checkAcrossBackends(bundle)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> javaTokenizerReproducesPythonTokenIds() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path bundle : ModelFixtures.bundles()) {
            BundleManifest manifest = BundleManifest.read(bundle);
            if (manifest.preprocessing() != null && manifest.preprocessing().text() != null) {
                tests.add(DynamicTest.dynamicTest(bundle.getFileName() + " tokenizer", () -> checkTokenizer(manifest)));
            }
        }
        assertThat(tests).as("at least one text bundle (imdb_lstm) checks the tokenizer").isNotEmpty();
        return tests.stream();
    }

    private void checkAgainstPython(Path bundle, Backend backend) {
        String model = bundle.getFileName().toString();
        boolean required = REQUIRED_BUNDLES.contains(model) && requiredBackends().contains(backend.name());
        if (!backend.canLoad(ModelSource.of(bundle))) {
            REPORT.add(new ParityReport.Row(model, backend.name(), "–", "–", Double.NaN, Double.NaN, "–", "–",
                    "not loadable by this backend"));
            assertThat(required).as(backend.name() + " must load required bundle " + model).isFalse();
            return;
        }
        List<String> failures = new ArrayList<>();
        try (Model loaded = LOADER.load(bundle, LoadOptions.builder().backend(backend.name()).build())) {
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                Outputs outputs = loaded.predict(batch.inputs());
                assertThat(outputs.names()).as(model + " outputs on " + backend.name()).containsExactlyElementsOf(batch.outputs().keySet());
                for (Map.Entry<String, Tensor> expected : batch.outputs().entrySet()) {
                    compareOutput(model, backend.name(), batch.name(), expected.getKey(), outputs.get(expected.getKey()),
                            expected.getValue(), failures);
                }
                if (!loaded.supportsLayerOutputs()) {
                    REPORT.add(new ParityReport.Row(model, backend.name(), batch.name(), "(layers)", Double.NaN, Double.NaN, "–", "–",
                            "n/a: " + loaded.layerOutputsUnsupportedReason().orElse("")));
                    continue;
                }
                Outputs layers = loaded.layerOutputs(batch.inputs(), List.copyOf(batch.layers().keySet()));
                for (Map.Entry<String, Tensor> expected : batch.layers().entrySet()) {
                    compareLayer(model, backend.name(), batch.name(), expected.getKey(), layers.get(expected.getKey()),
                            expected.getValue(), failures);
                }
            }
        } catch (UnsupportedModelException e) {
            REPORT.add(new ParityReport.Row(model, backend.name(), "–", "–", Double.NaN, Double.NaN, "–", "–",
                    "unsupported: " + e.getMessage().replace('|', '/')));
            if (required) {
                throw e;
            }
        }
        assertThat(failures).as(model + " on " + backend.name() + " vs Python").isEmpty();
    }

    private void checkAcrossBackends(Path bundle) {
        String model = bundle.getFileName().toString();
        List<String> names = requiredBackends();
        assertThat(names).as("cross-backend check needs two backends").hasSizeGreaterThanOrEqualTo(2);
        ReferenceBatch batch = ModelFixtures.references(bundle).get(ModelFixtures.references(bundle).size() - 1);
        Map<String, Outputs> results = new LinkedHashMap<>();
        for (String name : names) {
            try (Model loaded = LOADER.load(bundle, LoadOptions.builder().backend(name).build())) {
                results.put(name, loaded.predict(batch.inputs()));
            }
        }
        List<String> failures = new ArrayList<>();
        String first = names.get(0);
        for (String other : names.subList(1, names.size())) {
            for (String output : results.get(first).names()) {
                compareOutput(model, first + " vs " + other, batch.name(), output, results.get(other).get(output),
                        results.get(first).get(output), failures);
            }
        }
        assertThat(failures).as(model + " across backends").isEmpty();
    }

    private void checkTokenizer(BundleManifest manifest) throws IOException {
        String model = manifest.name();
        assertThat(manifest.reference().texts()).as(model + " lists its reference texts").isNotNull();
        JsonNode texts = new ObjectMapper().readTree(Files.readAllBytes(manifest.directory().resolve(manifest.reference().texts())));
        List<String> raw = new ArrayList<>();
        texts.forEach(node -> raw.add(node.get("text").asText()));
        assertThat(raw).as("reference texts of " + model).isNotEmpty();
        ReferenceBatch batch = ModelFixtures.references(manifest.directory()).stream()
                .filter(b -> b.size() == raw.size()).findFirst()
                .orElseThrow(() -> new AssertionError("No reference batch of " + raw.size() + " examples in " + model));
        Tensor expected = batch.inputs().values().iterator().next();
        Tensor actual = TextTokenizer.of(manifest).encode(raw);
        if (expected.dtype() != DType.INT32) {
            throw new AssertionError("Text model input " + expected + " is not int32");
        }
        int[] want = expected.toIntArray();
        int[] got = actual.toIntArray();
        long differing = 0;
        for (int i = 0; i < want.length; i++) {
            differing += want[i] == got[i] ? 0 : 1;
        }
        REPORT.add(new ParityReport.Row(model, "TextTokenizer", batch.name(), "token ids", differing, Double.NaN,
                raw.size() + " texts", "exact", differing == 0 ? "PASS" : "FAIL"));
        assertThat(got).as("Java token ids for the reference texts of " + model).containsExactly(want);
    }

    private static void compareOutput(String model, String backend, String batch, String name, Tensor actual, Tensor expected,
                                      List<String> failures) {
        TensorComparison c = compare(model, backend, batch, "output " + name, actual, expected, failures);
        if (c == null) {
            return;
        }
        boolean pass = c.maxAbsDiff() <= OUTPUT_ATOL && c.classesAgree();
        String classes = c.rows() == 0 ? "–" : c.agreeingRows() + "/" + c.rows();
        REPORT.add(new ParityReport.Row(model, backend, batch, "output " + name, c.maxAbsDiff(), c.maxRelDiff(), classes,
                "abs " + OUTPUT_ATOL, pass ? "PASS" : "FAIL"));
        if (!pass) {
            failures.add(batch + " output " + name + ": max abs diff " + c.maxAbsDiff() + ", classes " + classes);
        }
    }

    private static void compareLayer(String model, String backend, String batch, String name, Tensor actual, Tensor expected,
                                     List<String> failures) {
        compareWithinTolerance(model, backend, batch, "layer " + name, actual, expected, failures);
    }

    /** Compares within {@link #LAYER_ATOL} + {@link #LAYER_RTOL} × |reference|, labelled {@code name} in the report. */
    private static void compareWithinTolerance(String model, String backend, String batch, String name, Tensor actual,
                                               Tensor expected, List<String> failures) {
        TensorComparison c = compare(model, backend, batch, name, actual, expected, failures);
        if (c == null) {
            return;
        }
        double[] a = actual.toDoubles();
        double[] e = expected.toDoubles();
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            worstExcess = Math.max(worstExcess, Math.abs(a[i] - e[i]) - (LAYER_ATOL + LAYER_RTOL * Math.abs(e[i])));
        }
        boolean pass = worstExcess <= 0;
        REPORT.add(new ParityReport.Row(model, backend, batch, name, c.maxAbsDiff(), c.maxRelDiff(), "–",
                "abs " + LAYER_ATOL + " + rel " + LAYER_RTOL, pass ? "PASS" : "FAIL"));
        if (!pass) {
            failures.add(batch + " " + name + ": max abs diff " + c.maxAbsDiff());
        }
    }

    /** Compares, or records a FAIL row when dtype or shape differ (then returns null). */
    private static TensorComparison compare(String model, String backend, String batch, String what, Tensor actual,
                                            Tensor expected, List<String> failures) {
        try {
            return TensorComparison.of(actual, expected);
        } catch (IllegalArgumentException e) {
            REPORT.add(new ParityReport.Row(model, backend, batch, what, Double.NaN, Double.NaN, "–", "–", "FAIL"));
            failures.add(batch + " " + what + ": " + e.getMessage());
            return null;
        }
    }
}
