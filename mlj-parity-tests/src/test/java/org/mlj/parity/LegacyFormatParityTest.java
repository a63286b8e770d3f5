package org.mlj.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.LegacyFixtures;
import org.mlj.api.testing.LegacyFixtures.Fixture;
import org.mlj.api.bundle.TensorComparison;

/**
 * The legacy-format fixtures of {@code models/legacy} (Keras 1/2 files, architecture JSON plus weights,
 * TF1 frozen graphs and SavedModels) on every backend found on the classpath, against the Python
 * references: the backend each fixture names must load it and match within {@link #ATOL} +
 * {@link #RTOL} × |reference| (strings and integers exactly); a backend that cannot load a format gets
 * a row saying so. The table goes to {@code target/legacy-parity-report.md} and the build log.
 */
class LegacyFormatParityTest {
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-5;

    private static final ParityReport REPORT = new ParityReport();
    private static final ModelLoader LOADER = ModelLoader.fromClasspath();

    @AfterAll
    static void writeReport() {
        Path file = Path.of(System.getProperty("mlj.parity.report", "target/parity-report.md")).resolveSibling("legacy-parity-report.md");
        String markdown = REPORT.toMarkdown().replace("# mlj parity report", "# mlj legacy-format parity report")
                .replace("Every output and layer of every committed bundle", "Every output of every legacy-format fixture (models/legacy/index.json)");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        System.out.println();
        System.out.println(markdown);
        System.out.println("Legacy-format parity report written to " + file.toAbsolutePath());
    }

    @TestFactory
    Stream<DynamicTest> everyLegacyFixtureMatchesPython() {
        List<Fixture> fixtures = LegacyFixtures.all();
        assertThat(fixtures).extracting(Fixture::backend).contains("tensorflow", "dl4j");
        List<DynamicTest> tests = new ArrayList<>();
        for (Fixture fixture : fixtures) {
            for (Backend backend : LOADER.backends()) {
                tests.add(DynamicTest.dynamicTest(fixture.name() + " on " + backend.name(), () -> check(fixture, backend)));
            }
        }
        return tests.stream();
    }

    private void check(Fixture fixture, Backend backend) {
        boolean required = backend.name().equals(fixture.backend());
        if (!backend.canLoad(ModelSource.of(fixture.model()))) {
            REPORT.add(new ParityReport.Row(fixture.name(), backend.name(), "–", "–", Double.NaN, Double.NaN, "–", "–",
                    "not loadable by this backend (" + ModelSource.of(fixture.model()).format().description() + ")"));
            assertThat(required).as(backend.name() + " must load " + fixture.name()).isFalse();
            return;
        }
        LoadOptions.Builder options = LoadOptions.builder().backend(backend.name());
        fixture.options().forEach((key, value) -> {
            if (key.startsWith(backend.name() + ".")) {
                options.option(key, value);
            }
        });
        List<String> failures = new ArrayList<>();
        try (Model model = LOADER.load(fixture.model(), options.build())) {
            Outputs outputs = model.predict(fixture.inputs());
            for (Map.Entry<String, Tensor> expected : fixture.outputs().entrySet()) {
                compare(fixture.name(), backend.name(), expected.getKey(), outputs.get(expected.getKey()), expected.getValue(), failures);
            }
        }
        assertThat(failures).as(fixture.name() + " on " + backend.name() + " vs Python").isEmpty();
    }

    private static void compare(String model, String backend, String name, Tensor actual, Tensor expected, List<String> failures) {
        if (expected.dtype() == DType.STRING) {
            boolean pass = actual.equals(expected);
            REPORT.add(new ParityReport.Row(model, backend, "reference", "output " + name, Double.NaN, Double.NaN, "–", "exact",
                    pass ? "PASS" : "FAIL"));
            if (!pass) {
                failures.add(name + ": " + actual + " vs " + expected);
            }
            return;
        }
        TensorComparison c;
        try {
            c = TensorComparison.of(actual, expected);
        } catch (IllegalArgumentException e) {
            REPORT.add(new ParityReport.Row(model, backend, "reference", "output " + name, Double.NaN, Double.NaN, "–", "–", "FAIL"));
            failures.add(name + ": " + e.getMessage());
            return;
        }
        double[] a = actual.toDoubles();
        double[] e = expected.toDoubles();
        boolean exact = expected.dtype() != DType.FLOAT32 && expected.dtype() != DType.FLOAT64;
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            worstExcess = Math.max(worstExcess, Math.abs(a[i] - e[i]) - (exact ? 0 : ATOL + RTOL * Math.abs(e[i])));
        }
        boolean pass = worstExcess <= 0;
        REPORT.add(new ParityReport.Row(model, backend, "reference", "output " + name, c.maxAbsDiff(), c.maxRelDiff(), "–",
                exact ? "exact" : "abs " + ATOL + " + rel " + RTOL, pass ? "PASS" : "FAIL"));
        if (!pass) {
            failures.add(name + ": max abs diff " + c.maxAbsDiff());
        }
    }
}
