package org.mlj.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.serving.ServingHarness.Response;

/**
 * Live versions: a version added and removed while 8 clients send requests, a broken version
 * directory, a config-file reload, the body limit and the per-request timeout.
 */
class RepositoryLifecycleTest {
    private static final String ZEROS = "[" + "0.0,".repeat(783) + "0.0]";
    private static final String INFER = "{\"inputs\": [{\"name\": \"pixels\", \"shape\": [1, 784], \"datatype\": \"FP32\", \"data\": " + ZEROS + "}]}";

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void versionAddedAndRemovedUnderLoadWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Path base = ServingHarness.basePath(dir, "ffnn", "mnist_ffnn");
        try (ServingHarness harness = ServingHarness.start("--model_name=ffnn", "--model_base_path=" + base, "--backend=tensorflow",
                "--file_system_poll_wait_seconds=1")) {
            Map<String, AtomicInteger> byVersion = new ConcurrentHashMap<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (int t = 0; t < 8; t++) {
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < deadline; i++) { // bounded in count and time
                        Response response = harness.post("/v2/models/ffnn/infer", INFER);
                        sent.incrementAndGet();
                        if (response.status() != 200) {
                            failures.add(response.status() + " " + response.body());
                        } else {
                            byVersion.computeIfAbsent(response.json().get("model_version").asText(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                }));
            }
            await("traffic on version 1", () -> byVersion.containsKey("1"));
            Files.createSymbolicLink(base.resolve("2"), ServingHarness.model("mnist_ffnn"));
            await("version 2 serving", () -> byVersion.getOrDefault("2", new AtomicInteger()).get() > 20);
            await("version 1 unloaded", () -> harness.get("/v1/models/ffnn/versions/1").json().at("/model_version_status/0/state").asText().equals("END"));
            int onTwo = byVersion.get("2").get();
            Files.delete(base.resolve("2"));
            await("version 1 back", () -> harness.get("/v1/models/ffnn").json().findValuesAsText("state").contains("AVAILABLE")
                    && harness.get("/v1/models/ffnn/versions/1").json().at("/model_version_status/0/state").asText().equals("AVAILABLE"));
            int onOneAgain = byVersion.get("1").get();
            await("traffic back on version 1", () -> byVersion.get("1").get() > onOneAgain + 20);
            stop.set(true);
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(failures).as("non-200 responses of %s", sent.get()).isEmpty();
            assertThat(onTwo).isGreaterThan(20);
            assertThat(harness.get("/metrics").body()).contains("mlj_serving_model_unloads_total{model=\"ffnn\"} 2");
        }
    }

    @Test
    void brokenVersionIsReportedAndOthersKeepServing(@TempDir Path dir) throws Exception {
        Path base = ServingHarness.basePath(dir, "ffnn", "mnist_ffnn");
        Files.createDirectories(base.resolve("5"));
        Files.writeString(base.resolve("5/saved_model.pb"), "not a protobuf");
        Files.createDirectories(base.resolve("6"));
        Files.writeString(base.resolve("6/notes.txt"), "no model here");
        try (ServingHarness harness = ServingHarness.start("--model_name=ffnn", "--model_base_path=" + base, "--backend=tensorflow",
                "--file_system_poll_wait_seconds=0")) {
            JsonNode status = harness.get("/v1/models/ffnn").json().get("model_version_status");
            assertThat(status.findValuesAsText("version")).containsExactly("6", "5", "1");
            assertThat(status.get(0).get("state").asText()).isEqualTo("END");
            assertThat(status.get(0).at("/status/error_code").asText()).isEqualTo("UNKNOWN");
            assertThat(status.get(0).at("/status/error_message").asText()).contains("holds no model");
            assertThat(status.get(1).get("state").asText()).isEqualTo("END");
            assertThat(status.get(1).at("/status/error_message").asText()).isNotEmpty();
            assertThat(status.get(2).get("state").asText()).isEqualTo("AVAILABLE");
            assertThat(harness.post("/v2/models/ffnn/infer", INFER).json().get("model_version").asText()).isEqualTo("1");
            assertThat(harness.get("/metrics").body()).contains("mlj_serving_model_load_failures_total{model=\"ffnn\"} 2");
        }
    }

    @Test
    void configReloadAddsAndRemovesModels(@TempDir Path dir) throws Exception {
        ServingHarness.basePath(dir, "a", "mnist_ffnn");
        ServingHarness.basePath(dir, "b", "mnist_ffnn");
        Path config = dir.resolve("models.config");
        Files.writeString(config, "model_config_list { config { name: \"a\" base_path: \"a\" } }");
        try (ServingHarness harness = ServingHarness.start("--model_config_file=" + config, "--model_config_file_poll_wait_seconds=1",
                "--backend=tensorflow", "--file_system_poll_wait_seconds=0")) {
            assertThat(harness.get("/v1/models").json().findValuesAsText("name")).containsExactly("a");
            Files.writeString(config, "model_config_list { config { name: \"a\" base_path: \"a\" } config { name: \"b\" base_path: \"b\" } }");
            await("model b", () -> harness.get("/v1/models/b").body().contains("AVAILABLE"));
            assertThat(harness.post("/v2/models/b/infer", INFER).status()).isEqualTo(200);
            Files.writeString(config, "model_config_list { config { name: \"b\" base_path: \"b\" } }");
            await("model a removed", () -> harness.get("/v1/models/a").status() == 404);
            assertThat(harness.get("/v1/models").json().findValuesAsText("name")).containsExactly("b");
            Files.writeString(config, "model_config_list { config { name: \"b\" base_path: \"b\" bogus: 1 } }");
            Thread.sleep(Duration.ofMillis(2500).toMillis()); // a broken file is logged and ignored
            assertThat(harness.get("/v1/models/b").status()).isEqualTo(200);
        }
    }

    @Test
    void bodyLimitAndTimeout(@TempDir Path dir) throws Exception {
        Path base = ServingHarness.basePath(dir, "lstm", "imdb_lstm");
        try (ServingHarness harness = ServingHarness.start("--model_name=lstm", "--model_base_path=" + base, "--backend=tensorflow",
                "--max_request_bytes=200000", "--rest_api_timeout_in_ms=1", "--file_system_poll_wait_seconds=0")) {
            String tokens = "[" + "7,".repeat(199) + "7]";
            String batch = "{\"instances\": [" + (tokens + ",").repeat(255) + tokens + "]}";
            Response timeout = harness.post("/v1/models/lstm:predict", batch);
            assertThat(timeout.status()).isEqualTo(504);
            assertThat(timeout.error()).startsWith("Request timed out after 1 ms");
            Response tooLarge = harness.post("/v1/models/lstm:predict", "{\"instances\": [" + (tokens + ",").repeat(499) + tokens + "]}");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.error()).isEqualTo("Request body is larger than the limit of 200000 bytes (--max_request_bytes)");
        }
    }

    @Test
    void overloadIsAnswered503(@TempDir Path dir) throws Exception {
        Path base = ServingHarness.basePath(dir, "lstm", "imdb_lstm");
        try (ServingHarness harness = ServingHarness.start("--model_name=lstm", "--model_base_path=" + base, "--backend=tensorflow",
                "--rest_api_num_threads=1", "--max_queued_requests=1", "--file_system_poll_wait_seconds=0")) {
            String tokens = "[" + "7,".repeat(199) + "7]";
            String batch = "{\"instances\": [" + (tokens + ",").repeat(255) + tokens + "]}";
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Response>> responses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                responses.add(clients.submit(() -> harness.post("/v1/models/lstm:predict", batch)));
            }
            List<Integer> statuses = new ArrayList<>();
            String overloaded = "";
            for (Future<Response> response : responses) {
                Response r = response.get(120, TimeUnit.SECONDS);
                statuses.add(r.status());
                if (r.status() == 503) {
                    overloaded = r.error();
                }
            }
            clients.shutdown();
            assertThat(statuses).contains(200, 503).containsOnly(200, 503);
            assertThat(overloaded).startsWith("Server overloaded: all request threads are busy and 1 requests are queued");
            assertThat(harness.get("/metrics").body()).contains("code=\"503\"");
        }
    }
}
