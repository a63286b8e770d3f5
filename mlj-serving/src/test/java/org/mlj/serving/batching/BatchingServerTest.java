package org.mlj.serving.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;

/**
 * The batcher inside a real server on 127.0.0.1, driven by concurrent real HTTP clients: merged
 * answers equal unbatched in-process ones within 1e-6 on both backends (predict row and columnar,
 * OIP infer, a multi-input/multi-output model; inner layer outputs within 1e-5), batch sizes reach the metrics,
 * padding is counted, a full queue answers 503 at once, and refused parameters are named.
 */
class BatchingServerTest {
    /** Batched outputs equal unbatched ones within 1e-6, relative to the value's size when that exceeds 1. */
    private static final double TOLERANCE = 1e-6;
    /**
     * Inner layers: the matmul/conv kernels of TensorFlow and of libnd4j's oneDNN ops (which mlj-dl4j's
     * CNN program calls directly) block the work by batch size, so the ReLU activations of dense2 (values
     * up to ~20) differ from the batch-1 run by up to ~1.4e-6 (measured: 1.4e-6 tensorflow, 1.01e-6 dl4j);
     * the README says so.
     */
    private static final double LAYER_TOLERANCE = 1e-5;
    private static final int CLIENTS = 12;
    private static final List<String> LAYERS = List.of("dense2", "predictions");

    @TempDir
    Path work;

    /** What one client sent and got back. */
    private record Exchange(int kind, Tensor input, ServedModels.Answer answer) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void concurrentRequestsAreMergedAndAnswerLikeUnbatchedCalls(String backend) throws Exception {
        Path cnn = ModelFixtures.model("mnist_cnn");
        Tensor images = ModelFixtures.npy(cnn.resolve("reference/batch_32/inputs/image.npy"));
        try (Model model = ModelLoader.fromClasspath().load(cnn, LoadOptions.builder().backend(backend).build());
             ServedModels served = ServedModels.start(work, Map.of("cnn", cnn),
                     ServedModels.batching(16, 300_000, 2, 100, 4, 8, 16), "--backend=" + backend)) {
            CyclicBarrier start = new CyclicBarrier(CLIENTS);
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<Exchange>> futures = new ArrayList<>();
            long totalRows = 0;
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    int kind = i % 3;
                    int rows = i % 3 + 1;
                    totalRows += rows;
                    Tensor input = images.slice(2L * i, 2L * i + rows);
                    futures.add(clients.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return new Exchange(kind, input, send(served, kind, input));
                    }));
                }
                for (Future<Exchange> future : futures) {
                    Exchange exchange = future.get(120, TimeUnit.SECONDS);
                    assertThat(exchange.answer().status()).as("%s", exchange.answer().body()).isEqualTo(200);
                    checkAnswer(model, exchange, backend);
                }
            } finally {
                clients.shutdownNow();
            }
            String metrics = served.get("/metrics");
            long batches = metric(metrics, "mlj_serving_batch_size_count{model=\"cnn\"}");
            assertThat(metric(metrics, "mlj_serving_batch_size_sum{model=\"cnn\"}")).isEqualTo(totalRows);
            assertThat(batches).as("batches run for %d concurrent requests", CLIENTS).isLessThan(CLIENTS);

            // Alone, a batch of 3 is padded to the allowed size 4 with one copy of its first example.
            long paddingBefore = metrics.contains("mlj_serving_batch_padding_rows_total{model=\"cnn\"}")
                    ? metric(metrics, "mlj_serving_batch_padding_rows_total{model=\"cnn\"}") : 0;
            Tensor three = images.slice(20, 23);
            checkAnswer(model, new Exchange(0, three, send(served, 0, three)), backend);
            metrics = served.get("/metrics");
            assertThat(metric(metrics, "mlj_serving_batch_padding_rows_total{model=\"cnn\"}")).isEqualTo(paddingBefore + 1);
            assertThat(metric(metrics, "mlj_serving_batch_size_count{model=\"cnn\"}")).isEqualTo(batches + 1);
            assertThat(metrics).contains("mlj_serving_batch_size_bucket{model=\"cnn\",le=\"16\"}");
        }
    }

    /** kind 0: TF predict, row format; 1: TF predict, columnar with layer outputs; 2: OIP infer. */
    private static ServedModels.Answer send(ServedModels served, int kind, Tensor input) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode body = f.objectNode();
        switch (kind) {
            case 0 -> body.set("instances", ServedModels.nested(input));
            case 1 -> {
                body.set("inputs", ServedModels.nested(input));
                ArrayNode layers = body.putArray("mlj_layers");
                LAYERS.forEach(layers::add);
            }
            default -> {
                ObjectNode tensor = body.putArray("inputs").addObject();
                tensor.put("name", "image").put("datatype", "FP32");
                ArrayNode shape = tensor.putArray("shape");
                for (long dim : input.shape().dims()) {
                    shape.add(dim);
                }
                ArrayNode data = tensor.putArray("data");
                for (float value : input.toFloatArray()) {
                    data.add(value);
                }
            }
        }
        String path = kind == 2 ? "/v2/models/cnn/infer" : "/v1/models/cnn:predict";
        return served.post(path, body.toString());
    }

    private static void checkAnswer(Model model, Exchange exchange, String backend) {
        Map<String, Tensor> inputs = Map.of("image", exchange.input());
        double[] expected = model.predict(inputs).first().toDoubles();
        JsonNode body = exchange.answer().body();
        switch (exchange.kind()) {
            case 0 -> assertClose(ServedModels.flat(body.get("predictions")), expected, "row-format predictions", TOLERANCE);
            case 1 -> {
                assertClose(ServedModels.flat(body.get("outputs")), expected, "columnar outputs", TOLERANCE);
                Map<String, Tensor> layers = model.layerOutputs(inputs, LAYERS).asMap();
                for (String layer : LAYERS) {
                    assertClose(ServedModels.flat(body.get("mlj_layer_outputs").get(layer)), layers.get(layer).toDoubles(),
                            "layer " + layer, LAYER_TOLERANCE);
                }
            }
            default -> {
                JsonNode output = body.get("outputs").get(0);
                assertThat(output.get("shape").get(0).asLong()).isEqualTo(exchange.input().shape().dim(0));
                assertClose(ServedModels.flat(output.get("data")), expected, "OIP infer outputs", TOLERANCE);
            }
        }
    }

    @Test
    void multiInputMultiOutputModelOfEveryDtypeIsBatched() throws Exception {
        Path echo = ModelFixtures.model("dtypes_echo").resolve("saved_model");
        try (Model model = ModelLoader.fromClasspath().load(echo, LoadOptions.builder().backend("tensorflow").build());
             ServedModels served = ServedModels.start(work, Map.of("echo", echo), ServedModels.batching(32, 300_000, 1, 10),
                     "--backend=tensorflow")) {
            int clients = 8;
            CyclicBarrier start = new CyclicBarrier(clients);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Map.Entry<Map<String, Tensor>, ServedModels.Answer>>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Map<String, Tensor> inputs = echoInputs(i, i % 2 + 1);
                    ObjectNode body = JsonNodeFactory.instance.objectNode();
                    ObjectNode columns = body.putObject("inputs");
                    inputs.forEach((name, tensor) -> columns.set(name, ServedModels.nested(tensor)));
                    futures.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        return Map.entry(inputs, served.post("/v1/models/echo:predict", body.toString()));
                    }));
                }
                for (var future : futures) {
                    var exchange = future.get(60, TimeUnit.SECONDS);
                    ServedModels.Answer answer = exchange.getValue();
                    assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
                    Map<String, Tensor> expected = model.predict(exchange.getKey()).asMap();
                    assertThat(answer.body().get("outputs").properties().stream().map(Map.Entry::getKey).toList())
                            .containsExactlyInAnyOrderElementsOf(expected.keySet());
                    expected.forEach((name, tensor) -> {
                        JsonNode served1 = answer.body().get("outputs").get(name);
                        if (tensor.dtype() == DType.STRING) {
                            List<String> texts = new ArrayList<>();
                            served1.forEach(node -> texts.add(node.asText()));
                            assertThat(texts).as(name).containsExactly(tensor.toStringArray());
                        } else {
                            double[] values = ServedModels.flat(served1);
                            double[] wanted = tensor.toDoubles();
                            if (tensor.dtype() == DType.FLOAT32) {
                                for (int i = 0; i < values.length; i++) {
                                    values[i] = (float) values[i];
                                    wanted[i] = (float) wanted[i];
                                }
                            }
                            assertThat(values).as(name).containsExactly(wanted);
                        }
                    });
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(metric(served.get("/metrics"), "mlj_serving_batch_size_count{model=\"echo\"}")).isLessThan(clients);
        }
    }

    private static Map<String, Tensor> echoInputs(int seed, int rows) {
        int n = rows * 3;
        float[] f32 = new float[n];
        double[] f64 = new double[n];
        int[] i32 = new int[n];
        long[] i64 = new long[n];
        boolean[] b = new boolean[n];
        byte[] u8 = new byte[n];
        for (int i = 0; i < n; i++) {
            f32[i] = seed + i / 7f;
            f64[i] = seed * 1.5 + i / 3.0;
            i32[i] = seed * 100 + i;
            i64[i] = seed * 1_000_000_000L + i;
            b[i] = (seed + i) % 2 == 0;
            u8[i] = (byte) (250 + seed + i);
        }
        String[] s = new String[rows];
        for (int r = 0; r < rows; r++) {
            s[r] = "client " + seed + " row " + r;
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("f32", Tensor.ofFloats(f32, rows, 3));
        inputs.put("f64", Tensor.ofDoubles(f64, rows, 3));
        inputs.put("i32", Tensor.ofInts(i32, rows, 3));
        inputs.put("i64", Tensor.ofLongs(i64, rows, 3));
        inputs.put("b", Tensor.ofBooleans(b, rows, 3));
        inputs.put("u8", Tensor.ofUint8(u8, rows, 3));
        inputs.put("s", Tensor.ofStrings(s, rows));
        return inputs;
    }

    @Test
    void fullQueueAnswers503AtOnceAndOversizedCallsAre400() throws Exception {
        Path ffnn = ModelFixtures.model("mnist_ffnn");
        Tensor images = ModelFixtures.npy(ffnn.resolve("reference/batch_32/inputs/pixels.npy"));
        // One open batch of at most 2 examples waits 3 s to fill; a call of 2 does not fit in it and
        // would need a second batch, which max_enqueued_batches = 1 forbids.
        try (ServedModels served = ServedModels.start(work, Map.of("ffnn", ffnn), ServedModels.batching(2, 3_000_000, 1, 1),
                "--backend=tensorflow")) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                long started = System.nanoTime();
                Future<ServedModels.Answer> waiting = pool.submit(() -> predict(served, images.slice(0, 1)));
                // Bounded wait until the first call sits in the open batch (in flight on the server).
                for (int i = 0; i < 200 && served.server.metrics().inFlight() == 0; i++) {
                    Thread.sleep(10);
                }
                ServedModels.Answer refused = predict(served, images.slice(1, 3));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.body().get("error").asText()).contains("queue", "full", "max_enqueued_batches");
                assertThat(refused.millis()).as("503 answered while the open batch still waits").isLessThan(2_000);
                assertThat(waiting.isDone()).isFalse();
                ServedModels.Answer first = waiting.get(30, TimeUnit.SECONDS);
                assertThat(first.status()).isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(2_900);

                ServedModels.Answer tooLarge = predict(served, images.slice(0, 3));
                assertThat(tooLarge.status()).isEqualTo(400);
                assertThat(tooLarge.body().get("error").asText()).contains("Task size 3", "maximum batch size 2");
                assertThat(served.get("/metrics")).contains("mlj_serving_batch_queue_full_total{model=\"ffnn\"} 1");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static ServedModels.Answer predict(ServedModels served, Tensor images) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("instances", ServedModels.nested(images));
        return served.post("/v1/models/ffnn:predict", body.toString());
    }

    @Test
    void padVariableLengthInputsIsRefusedByName() {
        Path ffnn = ModelFixtures.model("mnist_ffnn");
        assertThatThrownBy(() -> ServedModels.start(work, Map.of("ffnn", ffnn),
                ServedModels.batching(8, 0, 1, 10) + "pad_variable_length_inputs: true\n", "--backend=tensorflow"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad_variable_length_inputs");
    }

    private static void assertClose(double[] actual, double[] expected, String what, double tolerance) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
        }
        assertThat(worst).as(what + ": largest difference from the unbatched in-process call").isLessThanOrEqualTo(tolerance);
    }

    private static long metric(String scrape, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\d+)", Pattern.MULTILINE).matcher(scrape);
        assertThat(matcher.find()).as("metric %s in%n%s", series, scrape).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
