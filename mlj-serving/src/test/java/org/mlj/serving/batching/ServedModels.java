package org.mlj.serving.batching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlj.api.DType;
import org.mlj.api.Tensor;
import org.mlj.serving.ModelServer;
import org.mlj.serving.config.ServerFlags;

/**
 * Test fixture: starts a real {@link ModelServer} on a free loopback port over a model config file
 * (each model's version 1 a symbolic link to a fixture), and talks to it with the JDK's HTTP client.
 * Closing stops the server.
 */
final class ServedModels implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ModelServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServedModels(ModelServer server) {
        this.server = server;
    }

    /**
     * Serves {@code models} (name → fixture directory) with the given batching parameters text (null: no
     * batching) and extra flags.
     */
    static ServedModels start(Path work, Map<String, Path> models, String batching, String... flags) throws IOException {
        StringBuilder config = new StringBuilder("model_config_list {\n");
        for (Map.Entry<String, Path> model : models.entrySet()) {
            Path base = Files.createDirectories(work.resolve("models").resolve(model.getKey()));
            Files.createSymbolicLink(base.resolve("1"), model.getValue().toAbsolutePath());
            config.append("  config { name: \"").append(model.getKey()).append("\" base_path: \"").append(base).append("\" }\n");
        }
        config.append("}\n");
        Path configFile = Files.writeString(work.resolve("models.config"), config);
        List<String> args = new ArrayList<>(List.of("--rest_api_port=0", "--host=127.0.0.1", "--model_config_file=" + configFile,
                "--rest_api_num_threads=32", "--drain_seconds=5"));
        if (batching != null) {
            Path batchingFile = Files.writeString(work.resolve("batching.config"), batching);
            args.add("--enable_batching");
            args.add("--batching_parameters_file=" + batchingFile);
        }
        args.addAll(List.of(flags));
        return new ServedModels(ModelServer.start(ServerFlags.parse(args.toArray(String[]::new))));
    }

    /** TF Serving's batching parameters text. */
    static String batching(long maxBatchSize, long timeoutMicros, long threads, long maxEnqueued, long... allowed) {
        StringBuilder text = new StringBuilder();
        text.append("max_batch_size { value: ").append(maxBatchSize).append(" }\n");
        text.append("batch_timeout_micros { value: ").append(timeoutMicros).append(" }\n");
        text.append("num_batch_threads { value: ").append(threads).append(" }\n");
        text.append("max_enqueued_batches { value: ").append(maxEnqueued).append(" }\n");
        for (long size : allowed) {
            text.append("allowed_batch_sizes: ").append(size).append('\n');
        }
        return text.toString();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** POSTs a JSON body; returns status and parsed body. */
    Answer post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request);
    }

    /** GETs a text resource. */
    String get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer send(HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), JSON.readTree(response.body()), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP answer: status, JSON body and how long it took. */
    record Answer(int status, JsonNode body, long millis) {
    }

    /** A tensor as nested JSON lists (row format takes the list of examples). */
    static JsonNode nested(Tensor tensor) {
        long[] dims = tensor.shape().dims();
        double[] values = tensor.dtype() == DType.STRING ? null : tensor.toDoubles();
        String[] strings = tensor.dtype() == DType.STRING ? tensor.toStringArray() : null;
        int[] at = {0};
        return nest(tensor.dtype(), dims, 0, values, strings, at);
    }

    private static JsonNode nest(DType dtype, long[] dims, int axis, double[] values, String[] strings, int[] at) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (axis == dims.length) {
            int i = at[0]++;
            return switch (dtype) {
                case STRING -> f.textNode(strings[i]);
                case BOOL -> f.booleanNode(values[i] != 0);
                case FLOAT32 -> f.numberNode((float) values[i]);
                case FLOAT64 -> f.numberNode(values[i]);
                default -> f.numberNode((long) values[i]);
            };
        }
        ArrayNode list = f.arrayNode();
        for (long i = 0; i < dims[axis]; i++) {
            list.add(nest(dtype, dims, axis + 1, values, strings, at));
        }
        return list;
    }

    /** All numbers of a JSON value, flattened in order. */
    static double[] flat(JsonNode node) {
        List<Double> out = new ArrayList<>();
        collect(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        } else if (node.isBoolean()) {
            out.add(node.booleanValue() ? 1.0 : 0.0);
        } else {
            out.add(node.asDouble());
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
