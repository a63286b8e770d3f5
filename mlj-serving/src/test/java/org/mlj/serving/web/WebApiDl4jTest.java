package org.mlj.serving.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.serving.json.JsonBodies;

/**
 * The page's try-it calls on the DL4J backend ({@code --backend=dl4j}): the same answers and the
 * same layer views as on TensorFlow, and a version DL4J cannot load (a bare SavedModel) listed with
 * its error rather than hiding the model.
 */
class WebApiDl4jTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = JsonBodies.MAPPER.readTree(response.body());
        assertThat(response.statusCode()).as(json.toString()).isEqualTo(200);
        return json;
    }

    @Test
    void digitsAndReviewsRunOnDl4jWithEveryLayer(@TempDir Path dir) throws IOException, InterruptedException {
        Map<String, Path> models = Map.of("mnist_cnn", ModelFixtures.model("mnist_cnn"), "imdb_lstm", ModelFixtures.model("imdb_lstm"),
                "ffnn_savedmodel", ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        try (WebServer server = WebServer.start(dir, models, "--backend=dl4j")) {
            JsonNode overview = send(HttpRequest.newBuilder(URI.create(server.url() + "/web/models")).GET().build());
            Map<String, JsonNode> byName = new LinkedHashMap<>();
            overview.path("models").forEach(m -> byName.put(m.path("name").asText(), m));
            assertThat(byName.get("mnist_cnn").path("backend").asText()).isEqualTo("dl4j");
            JsonNode failed = byName.get("ffnn_savedmodel");
            assertThat(failed.path("unavailable").asText()).isEqualTo("no version in service");
            assertThat(failed.path("versions").get(0).path("state").asText()).isEqualTo("END");
            assertThat(failed.path("versions").get(0).path("error").asText()).isNotBlank();

            Path seven = ModelFixtures.root().resolve("samples/digits/7_1.png");
            JsonNode digit = send(HttpRequest.newBuilder(URI.create(server.url() + "/web/models/mnist_cnn/digit"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(seven))).build());
            assertThat(digit.path("backend").asText()).isEqualTo("dl4j");
            assertThat(digit.path("predicted").asText()).isEqualTo("7");
            assertThat(digit.path("layers").size()).isEqualTo(byName.get("mnist_cnn").path("layers").size());
            digit.path("layers").forEach(layer -> assertThat(layer.path("png").asText()).isNotEmpty());

            JsonNode review = send(HttpRequest.newBuilder(URI.create(server.url() + "/web/models/imdb_lstm/text"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"Boring, stupid and awful. The worst film ever.\"}",
                            StandardCharsets.UTF_8)).build());
            assertThat(review.path("backend").asText()).isEqualTo("dl4j");
            assertThat(review.path("predicted").asText()).isEqualTo("negative");
            assertThat(review.path("layers")).hasSize(3);
        }
    }
}
