package org.mlj.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlj.api.testing.ModelFixtures;

/**
 * Damaged model files never crash or hang the JVM: mutants of the committed CNN's {@code .keras},
 * {@code .h5}, SavedModel and bundle (see {@link Mutator}) are loaded in a child JVM, each with a
 * 60-second timeout, and every one must load or fail with a typed mlj exception with a message.
 *
 * <p>{@code mvn verify} runs {@value #QUICK_MUTANTS} mutants per format; {@code -Dmlj.mutants=1000}
 * (see {@code mlj-parity-tests/mutation-campaign.sh}) runs the full campaign. Figures go to
 * {@code target/mutation/report.txt}; crashing and hanging mutants to {@code target/mutation/findings/}.
 */
class NativeMutationTest {
    private static final int QUICK_MUTANTS = 50;
    private static final long TIMEOUT_MILLIS = 60_000;

    @Test
    void damagedModelsFailWithTypedErrorsAndNeverCrashOrHang() throws IOException, InterruptedException {
        int count = Integer.getInteger("mlj.mutants", QUICK_MUTANTS);
        long seed = Long.getLong("mlj.mutationSeed", 17);
        Path cnn = ModelFixtures.model("mnist_cnn");
        Path work = Files.createDirectories(Path.of("target", "mutation"));
        Map<Mutator.Format, MutationHarness.Tally> tallies = new LinkedHashMap<>();
        Mutator mutator = new Mutator(seed);
        try (MutationHarness harness = new MutationHarness(work, TIMEOUT_MILLIS)) {
            for (Mutator.Format format : Mutator.Format.values()) {
                MutationHarness.Tally tally = new MutationHarness.Tally();
                tallies.put(format, tally);
                Path original = switch (format) {
                    case KERAS -> cnn.resolve("model.keras");
                    case HDF5 -> cnn.resolve("model.h5");
                    case SAVED_MODEL -> cnn.resolve("saved_model");
                    case BUNDLE -> cnn;
                };
                for (int i = 0; i < count; i++) {
                    Path directory = work.resolve("mutant");
                    MutationHarness.delete(directory);
                    Files.createDirectories(directory);
                    Path target = format == Mutator.Format.SAVED_MODEL || format == Mutator.Format.BUNDLE
                            ? directory.resolve("model") : directory;
                    Mutator.Mutant mutant = mutator.mutate(format, original, target);
                    String backend = switch (format) {
                        case KERAS, HDF5 -> "dl4j";
                        case SAVED_MODEL -> "tensorflow";
                        case BUNDLE -> i % 2 == 0 ? "tensorflow" : "dl4j";
                    };
                    MutationHarness.Result result = harness.load(backend, mutant.path());
                    String what = format + " #" + i + " (" + backend + ", " + mutant.description() + ")";
                    tally.add(result, what);
                    if (result.outcome() == MutationHarness.Outcome.CRASH || result.outcome() == MutationHarness.Outcome.HANG
                            || result.outcome() == MutationHarness.Outcome.UNTYPED) {
                        harness.keep(mutant.path(), format.name().toLowerCase() + "-" + seed + "-" + i + "-" + mutant.path().getFileName());
                    }
                }
            }
        }
        StringBuilder report = new StringBuilder("seed " + seed + ", " + count + " mutants per format\n");
        tallies.forEach((format, tally) -> {
            report.append(format).append(": ").append(tally).append('\n');
            tally.findings.forEach(finding -> report.append("  ").append(finding).append('\n'));
        });
        Files.writeString(work.resolve("report.txt"), report);
        System.out.print(report);
        tallies.forEach((format, tally) -> assertThat(tally.findings).as(format + ": " + tally).isEmpty());
    }
}
