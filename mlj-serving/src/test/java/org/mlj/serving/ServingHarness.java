package org.mlj.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.serving.config.ServerFlags;
import org.mlj.serving.json.JsonBodies;

/**
 * Test support: starts a real {@link ModelServer} on a free loopback port and talks to it with the
 * JDK's HttpClient. Close it to stop the server.
 */
public final class ServingHarness implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final ModelServer server;

    private ServingHarness(ModelServer server) {
        this.server = server;
    }

    /** A server with these flags plus {@code --rest_api_port=0}. */
    public static ServingHarness start(String... flags) throws IOException {
        List<String> all = new ArrayList<>(Arrays.asList(flags));
        all.add("--rest_api_port=0");
        return new ServingHarness(ModelServer.start(ServerFlags.parse(all.toArray(new String[0]))));
    }

    /** {@code models/<name>} of the repository. */
    public static Path model(String name) {
        return ModelFixtures.model(name);
    }

    /** A base path in {@code dir} named {@code name} whose version 1 links to {@code models/<model>}. */
    public static Path basePath(Path dir, String name, String model) throws IOException {
        Path base = Files.createDirectories(dir.resolve(name));
        Files.createSymbolicLink(base.resolve("1"), model(model));
        return base;
    }

    /** The server. */
    public ModelServer server() {
        return server;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A response: status and body. */
    public record Response(int status, String body) {
        /** The body as JSON (NaN and Infinity allowed). */
        public JsonNode json() {
            try {
                return JsonBodies.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }

        /** The {@code error} message of an error body. */
        public String error() {
            return json().path("error").asText();
        }
    }

    /** GET a path. */
    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
    }

    /** POST a JSON body. */
    public Response post(String path, String body) {
        return post(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /** POST raw bytes. */
    public Response post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("Request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
