package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mlj.api.LoadOptions;
import org.mlj.api.MljException;
import org.mlj.api.ModelFormat;
import org.mlj.api.Signature;
import org.mlj.api.testing.FuzzFiles;

/**
 * Coverage-guided fuzz tests (Jazzer) of what the tensorflow backend reads in Java before TensorFlow's
 * native code sees a file: a frozen GraphDef (parse, unknown ops, variables, the op allowlist, sinks,
 * placeholders: {@link FrozenGraphLoader#plan}) and a SavedModel's {@code saved_model.pb} (parse, the
 * op allowlist over everything the signatures and init ops reach, the signature check). Each may only
 * return normally or throw a typed {@link MljException}; anything else (a runtime exception, an error,
 * a hang) is a finding.
 *
 * <p>{@code mvn verify} runs them in regression mode over the committed seeds in
 * {@code src/test/resources/org/mlj/tensorflow/TensorFlowFilesFuzzTestInputs/<method>/};
 * {@code fuzz/run-campaign.sh} fuzzes each for minutes ({@code JAZZER_FUZZ=1}).
 */
class TensorFlowFilesFuzzTest {
    private static final LoadOptions TENSORFLOW = LoadOptions.builder().backend("tensorflow").build();
    private static final Path WORK = FuzzFiles.workDirectory();

    @FuzzTest(maxDuration = "5m")
    void frozenGraph(byte[] data) throws IOException {
        Path file = Files.write(WORK.resolve("frozen_model.pb"), data);
        try {
            FrozenGraphLoader.Plan plan = FrozenGraphLoader.plan(file, TENSORFLOW);
            assertThat(plan.outputNames()).isNotEmpty();
            assertThat(plan.inputs()).allSatisfy(input ->
                    assertThat(plan.graphDef().getNodeList()).anySatisfy(node -> assertThat(node.getName()).isEqualTo(input.name())));
        } catch (MljException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void savedModel(byte[] data) throws IOException {
        Path directory = Files.createDirectories(WORK.resolve("saved_model"));
        Files.write(directory.resolve(ModelFormat.SAVED_MODEL_FILE), data);
        List<String> tags = TensorFlowBackend.TAGS.get(TENSORFLOW);
        try {
            SavedModelDiagnosis.requireSignature(directory, tags, Signature.DEFAULT_NAME);
            SavedModelOps.check(directory, tags, TENSORFLOW);
        } catch (MljException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
