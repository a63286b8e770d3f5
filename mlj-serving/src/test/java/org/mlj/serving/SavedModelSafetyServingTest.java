package org.mlj.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.testing.ModelFixtures;

/**
 * {@code mlj serve} refuses SavedModels that touch the file system (the crafted models of
 * {@code mlj-tensorflow/src/test/resources/unsafe_saved_models/}): the version is reported as failed
 * in the status API with the op named, as TF Serving reports a version that did not load, requests
 * get 404, nothing is read or written; with {@code --allow_ops} or
 * {@code --option=tensorflow.allowOps=...} the same model loads and answers.
 */
class SavedModelSafetyServingTest {
    private static final Path UNSAFE = ModelFixtures.root().resolve("mlj-tensorflow/src/test/resources/unsafe_saved_models");
    /** Where the write_file model writes (see make_unsafe_models.py). */
    private static final Path WRITE_PROBE = Path.of("/tmp/mlj-savedmodel-write-probe.txt");
    private static final String REQUEST = "{\"inputs\": {\"x\": [1.0, 2.0]}}";

    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void removeProbe() throws IOException {
        Files.deleteIfExists(WRITE_PROBE);
    }

    @Test
    void fileReadingModelIsRefusedWithTheOpNamed() throws IOException {
        try (ServingHarness harness = ServingHarness.start(flags("read_file"))) {
            JsonNode version = harness.get("/v1/models/unsafe").json().at("/model_version_status/0");
            assertThat(version.get("version").asText()).isEqualTo("1");
            assertThat(version.get("state").asText()).isEqualTo("END");
            assertThat(version.at("/status/error_message").asText()).contains("is refused", "ReadFile", "tensorflow.allowOps=ReadFile");
            ServingHarness.Response predict = harness.post("/v1/models/unsafe:predict", REQUEST);
            assertThat(predict.status()).isEqualTo(404);
            assertThat(predict.error()).contains("Servable not found");
            assertThat(predict.body()).doesNotContain(hostname());
            assertThat(harness.get("/metrics").body()).contains("mlj_serving_model_load_failures_total{model=\"unsafe\"} 1");
        }
    }

    @Test
    void fileWritingAndDirectoryListingModelsAreRefusedAndWriteNothing() throws IOException {
        try (ServingHarness harness = ServingHarness.start(flags("write_file"))) {
            assertThat(harness.get("/v1/models/unsafe").json().at("/model_version_status/0/status/error_message").asText())
                    .contains("is refused", "WriteFile");
            assertThat(harness.post("/v1/models/unsafe:predict", REQUEST).status()).isEqualTo(404);
        }
        assertThat(WRITE_PROBE).as("warm-up and requests must not have run the model").doesNotExist();
        try (ServingHarness harness = ServingHarness.start(flags("list_files"))) {
            assertThat(harness.get("/v1/models/unsafe").json().at("/model_version_status/0/status/error_message").asText())
                    .contains("is refused", "MatchingFiles");
        }
    }

    @Test
    void allowOpsLetsATrustedFileReadingModelServe() throws IOException {
        try (ServingHarness harness = ServingHarness.start(flags("read_file", "--allow_ops=ReadFile"))) {
            assertThat(harness.get("/v1/models/unsafe").json().at("/model_version_status/0/state").asText()).isEqualTo("AVAILABLE");
            ServingHarness.Response predict = harness.post("/v1/models/unsafe:predict", REQUEST);
            assertThat(predict.status()).as(predict.body()).isEqualTo(200);
            JsonNode outputs = predict.json().get("outputs");
            assertThat(outputs.get("y").toString()).isEqualTo("[2.0,4.0]");
            // The model really ran ReadFile: its answer is this machine's /etc/hostname.
            assertThat(outputs.get("content").asText()).isEqualTo(hostname());
        }
    }

    @Test
    void optionFlagLetsATrustedFileWritingModelServeAndItWrites() throws IOException {
        try (ServingHarness harness = ServingHarness.start(flags("write_file", "--option=tensorflow.allowOps=WriteFile",
                "--enable_model_warmup=false"))) {
            assertThat(WRITE_PROBE).as("nothing runs before a request").doesNotExist();
            ServingHarness.Response predict = harness.post("/v1/models/unsafe:predict", REQUEST);
            assertThat(predict.status()).as(predict.body()).isEqualTo(200);
            assertThat(predict.json().at("/outputs").toString()).isEqualTo("[2.0,4.0]");
            assertThat(WRITE_PROBE).as("the opted-in model wrote the sum of its input, tf.strings.as_string(1 + 2)").hasContent("3.000000");
        }
    }

    /** Serve {@code unsafe_saved_models/<model>} as model {@code unsafe}, version 1, with the tensorflow backend. */
    private String[] flags(String model, String... more) throws IOException {
        Path base = Files.createDirectories(dir.resolve(model).resolve("unsafe"));
        Files.createSymbolicLink(base.resolve("1"), UNSAFE.resolve(model));
        String[] flags = {"--model_name=unsafe", "--model_base_path=" + base, "--backend=tensorflow", "--file_system_poll_wait_seconds=0"};
        String[] all = new String[flags.length + more.length];
        System.arraycopy(flags, 0, all, 0, flags.length);
        System.arraycopy(more, 0, all, flags.length, more.length);
        return all;
    }

    private static String hostname() throws IOException {
        return Files.readString(Path.of("/etc/hostname"));
    }
}
