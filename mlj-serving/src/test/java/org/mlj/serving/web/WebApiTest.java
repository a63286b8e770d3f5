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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ActivationImages;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.DigitImages;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.serving.json.JsonBodies;

/**
 * The page's HTTP routes on the real server, with the JDK's HTTP client: the page and its data, the
 * try-it calls against the committed samples, the shared activation rendering, and the errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApiTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Path dir;

    private WebServer server;

    @BeforeAll
    void start(@TempDir Path temporary) throws IOException {
        dir = temporary;
        server = WebServer.start(dir);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Response(int status, String type, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JsonBodies.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + text(), e);
            }
        }
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new AssertionError("Request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET());
    }

    private Response post(String path, String type, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static List<Path> sampleDigits() throws IOException {
        try (Stream<Path> files = Files.list(ModelFixtures.root().resolve("samples/digits"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".png")).sorted().toList();
        }
    }

    @Test
    void servesThePageAndItsScripts() {
        Response page = get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.type()).startsWith("text/html");
        assertThat(page.text()).contains("<title>mlj serve</title>").contains("/web/static/page.js");
        assertThat(get("/web/static/page.js").type()).startsWith("text/javascript");
        assertThat(get("/web/static/page.css").type()).startsWith("text/css");
        Response missing = get("/web/static/nothing.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).contains("nothing.js");
    }

    @Test
    void listsEveryModelWithItsKindVersionsAndLayers() {
        JsonNode overview = get("/web/models").json();
        Map<String, JsonNode> models = new java.util.LinkedHashMap<>();
        overview.path("models").forEach(m -> models.put(m.path("name").asText(), m));
        assertThat(models.keySet()).containsExactly("ffnn_savedmodel", "imdb_lstm", "mnist_cnn");
        assertThat(models.get("mnist_cnn").path("kind").asText()).isEqualTo("image");
        assertThat(models.get("imdb_lstm").path("kind").asText()).isEqualTo("text");
        assertThat(models.get("ffnn_savedmodel").path("kind").asText()).isEqualTo("other");
        assertThat(models.get("ffnn_savedmodel").path("kind_note").asText()).contains("no mlj.json");
        JsonNode cnn = models.get("mnist_cnn");
        assertThat(cnn.path("versions").get(0).path("state").asText()).isEqualTo("AVAILABLE");
        assertThat(cnn.path("tensorspace").asBoolean()).isTrue();
        List<String> layers = new ArrayList<>();
        cnn.path("layers").forEach(l -> layers.add(l.path("name").asText()));
        assertThat(layers).containsExactlyElementsOf(
                BundleManifest.read(ModelFixtures.model("mnist_cnn")).layerInfos().stream().map(LayerInfo::name).toList());
        assertThat(cnn.path("signatures").get(0).path("inputs").get(0).path("name").asText()).isEqualTo("image");
    }

    @Test
    void classifiesEverySampleDigitAsItsName() throws IOException {
        List<Path> samples = sampleDigits();
        assertThat(samples).hasSize(10);
        for (Path sample : samples) {
            Response response = post("/web/models/mnist_cnn/digit", "image/png", Files.readAllBytes(sample));
            assertThat(response.status()).as(response.text()).isEqualTo(200);
            JsonNode answer = response.json();
            assertThat(answer.path("predicted").asText()).as(sample.getFileName().toString())
                    .isEqualTo(sample.getFileName().toString().substring(0, 1));
            assertThat(answer.path("classes")).hasSize(10);
            assertThat(answer.path("layers").size()).isEqualTo(get("/web/models").json().path("models").get(2).path("layers").size());
            assertThat(answer.path("backend").asText()).isNotEmpty();
            assertThat(answer.path("inference_ms").asDouble()).isPositive();
        }
    }

    /** The server's layer pictures are exactly what ActivationImages (and so ./mlj activations) draws. */
    @Test
    void layerPicturesAreTheSharedRendering() throws IOException {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Path sample = sampleDigits().get(3);
        JsonNode answer = post("/web/models/mnist_cnn/digit", "image/png", Files.readAllBytes(sample)).json();
        try (Model model = ModelLoader.fromClasspath().load(bundle)) {
            assertThat(answer.path("backend").asText()).isEqualTo(model.backend());
            Tensor input = DigitImages.of(BundleManifest.read(bundle)).tensor(List.of(sample));
            List<LayerInfo> layers = model.layers();
            Outputs outputs = model.layerOutputs(Map.of(model.signature().requiredInputs().get(0).name(), input),
                    layers.stream().map(LayerInfo::name).toList());
            ActivationImages images = new ActivationImages();
            for (int i = 0; i < layers.size(); i++) {
                LayerInfo layer = layers.get(i);
                Tensor values = outputs.get(layer.name());
                JsonNode shown = answer.path("layers").get(i);
                assertThat(shown.path("name").asText()).isEqualTo(layer.name());
                assertThat(Base64.getDecoder().decode(shown.path("png").asText())).as(layer.name())
                        .isEqualTo(images.png(ActivationImages.caption(layer.name(), layer.className(), values), values));
            }
        }
    }

    @Test
    void classifiesReviewsWithTheBundlesTokenizer() {
        Response response = post("/web/models/imdb_lstm/text", "application/json",
                "{\"text\": \"A wonderful, moving film with brilliant acting. I loved it.\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode answer = response.json();
        assertThat(answer.path("predicted").asText()).isEqualTo("positive");
        assertThat(answer.path("classes")).hasSize(2);
        assertThat(answer.path("tokens").asInt()).isEqualTo(10);
        assertThat(answer.path("layers")).hasSize(3);
    }

    @Test
    void servesTheTensorSpaceExportAndManifest() throws IOException {
        Response model = get("/web/models/mnist_cnn/tensorspace/model.json");
        assertThat(model.status()).isEqualTo(200);
        assertThat(model.json().has("modelTopology")).isTrue();
        assertThat(get("/web/models/mnist_cnn/mlj.json").json().path("name").asText()).isEqualTo("mnist_cnn");
        Response none = get("/web/models/ffnn_savedmodel/tensorspace/model.json");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().path("error").asText()).contains("no TensorSpace export");
        assertThat(get("/web/models/mnist_cnn/tensorspace/..").status()).isEqualTo(400);
    }

    @Test
    void refusesBadRequestsWithMessagesThatSayWhatWasExpected() {
        Response empty = post("/web/models/mnist_cnn/digit", "image/png", new byte[0]);
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().path("error").asText()).contains("empty body").contains("PNG");

        Response notPicture = post("/web/models/mnist_cnn/digit", "image/png", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(notPicture.status()).isEqualTo(400);
        assertThat(notPicture.json().path("error").asText()).contains("not a picture");

        Response textToImage = post("/web/models/mnist_cnn/text", "application/json", "{\"text\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(textToImage.status()).isEqualTo(400);
        assertThat(textToImage.json().path("error").asText()).contains("does not take text").contains("image model");

        Response noText = post("/web/models/imdb_lstm/text", "application/json", "{\"review\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(noText.status()).isEqualTo(400);
        assertThat(noText.json().path("error").asText()).contains("{\"text\"");

        Response other = post("/web/models/ffnn_savedmodel/digit", "image/png", new byte[] {1});
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().path("error").asText()).contains("no mlj.json").contains(":predict");

        Response unknown = post("/web/models/nope/digit", "image/png", new byte[] {1});
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").asText()).contains("nope").contains("mnist_cnn");

        Response route = get("/web/nothing");
        assertThat(route.status()).isEqualTo(404);
        assertThat(route.json().path("error").asText()).contains("/web/models");
    }
}
