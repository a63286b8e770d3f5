package org.mlj.serving.tfserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;
import org.mlj.serving.ServingHarness;
import org.mlj.serving.ServingHarness.Response;
import org.mlj.serving.json.FloatText;
import org.mlj.serving.json.JsonBodies;

/**
 * TF Serving's REST API on the tensorflow backend, over real HTTP: mnist_cnn (bundle), the TF1
 * classify/regress fixture and dtypes_echo (every dtype, several inputs and outputs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TfServingApiTest {
    ServingHarness harness;
    Model cnn;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        ServingHarness.basePath(dir, "cnn", "mnist_cnn");
        Files.createDirectories(dir.resolve("echo"));
        Files.createSymbolicLink(dir.resolve("echo/1"), ServingHarness.model("dtypes_echo").resolve("saved_model"));
        Path config = dir.resolve("models.config");
        Files.writeString(config, """
                # three models, as TF Serving's model_config_list
                model_config_list {
                  config { name: "cnn" base_path: "cnn" model_platform: "tensorflow" }
                  config {
                    name: 'tf1'
                    base_path: "%s"
                    version_labels { key: "stable" value: 1 }
                  }
                  config { name: "echo", base_path: "echo" model_version_policy { all {} } }
                }
                """.formatted(ServingHarness.model("tf1_classify_regress").resolve("saved_model")));
        Path monitoring = dir.resolve("monitoring.config");
        Files.writeString(monitoring, "prometheus_config { enable: true, path: \"/monitoring/prometheus/metrics\" }\n");
        harness = ServingHarness.start("--model_config_file=" + config, "--backend=tensorflow", "--monitoring_config_file=" + monitoring);
        cnn = Models.load(ServingHarness.model("mnist_cnn"), LoadOptions.builder().backend("tensorflow").build());
    }

    @AfterAll
    void stop() {
        if (harness != null) {
            harness.close();
        }
        if (cnn != null) {
            cnn.close();
        }
    }

    private static String golden(String name) throws IOException {
        try (var in = TfServingApiTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** JSON text of a tensor's rows as nested lists, written with TF Serving's float format. */
    private static String rows(Tensor tensor) {
        return new String(JsonBodies.write(json -> org.mlj.serving.json.TensorJson.write(json, tensor, 0, 0, false)), StandardCharsets.UTF_8);
    }

    @Test
    void statusMatchesTfServingGolden() throws IOException {
        Response response = harness.get("/v1/models/cnn");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(JsonBodies.MAPPER.readTree(golden("status_cnn.json")));
        assertThat(harness.get("/v1/models/cnn/versions/1").json()).isEqualTo(response.json());
        assertThat(harness.get("/v1/models/tf1/labels/stable").json()).isEqualTo(JsonBodies.MAPPER.readTree(golden("status_cnn.json")));
    }

    @Test
    void metadataMatchesTfServingGolden() throws IOException {
        Response response = harness.get("/v1/models/tf1/metadata");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(JsonBodies.MAPPER.readTree(golden("metadata_tf1.json")));
        assertThat(harness.get("/v1/models/tf1/versions/1/metadata").json()).isEqualTo(response.json());
        assertThat(harness.get("/v1/models/cnn/metadata").json()).isEqualTo(JsonBodies.MAPPER.readTree(golden("metadata_cnn.json")));
    }

    @Test
    void metadataHasTfServingsShape() {
        JsonNode metadata = harness.get("/v1/models/cnn/metadata").json();
        assertThat(metadata.get("model_spec")).isEqualTo(JsonBodies.MAPPER.createObjectNode().put("name", "cnn")
                .put("signature_name", "").put("version", "1"));
        JsonNode serving = metadata.at("/metadata/signature_def/signature_def/serving_default");
        assertThat(serving.get("method_name").asText()).isEqualTo("tensorflow/serving/predict");
        JsonNode image = serving.at("/inputs/image");
        assertThat(image.get("dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(image.get("name").asText()).isEqualTo("serving_default_image:0");
        assertThat(image.at("/tensor_shape/dim/0/size").asText()).isEqualTo("-1");
        assertThat(image.at("/tensor_shape/dim/1/size").asText()).isEqualTo("28");
        assertThat(image.at("/tensor_shape/unknown_rank").asBoolean()).isFalse();
        assertThat(metadata.at("/metadata/signature_def/signature_def/__saved_model_init_op/outputs/__saved_model_init_op/dtype").asText())
                .isEqualTo("DT_INVALID");
    }

    @Test
    void rowAndColumnarPredictEqualInProcessPredict() throws IOException {
        Tensor images = NpyFile.read(ServingHarness.model("mnist_cnn").resolve("reference/batch_32/inputs/image.npy"));
        Tensor expected = cnn.predict(Map.of("image", images)).get("predictions");

        Response row = harness.post("/v1/models/cnn:predict", "{\"instances\": " + rows(images) + "}");
        assertThat(row.status()).as(row.body()).isEqualTo(200);
        assertThat(floats(row.json().get("predictions"))).containsExactly(expected.toFloatArray());

        Response columnar = harness.post("/v1/models/cnn/versions/1:predict",
                "{\"signature_name\": \"serving_default\", \"inputs\": {\"image\": " + rows(images) + "}}");
        assertThat(columnar.status()).as(columnar.body()).isEqualTo(200);
        assertThat(floats(columnar.json().get("outputs"))).containsExactly(expected.toFloatArray());
        // A single output is unwrapped: predictions are rows of 10 scores, outputs the bare tensor.
        assertThat(row.json().get("predictions")).hasSize(32);
        assertThat(row.json().get("predictions").get(0)).hasSize(10);
        assertThat(columnar.json().get("outputs").get(0)).hasSize(10);
    }

    private static float[] floats(JsonNode nested) {
        List<Float> values = new java.util.ArrayList<>();
        collect(nested, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void collect(JsonNode node, List<Float> into) {
        if (node.isArray()) {
            node.forEach(child -> collect(child, into));
        } else {
            into.add(Float.parseFloat(node.asText()));
        }
    }

    @Test
    void severalInputsAndOutputsRowFormat() {
        String instance = "{\"f32\": [0.1, 2.5, -3], \"f64\": [0.1, 1e300, -2], \"i32\": [1, 2, 2147483647], \"i64\": [1, 2, 9007199254740993],"
                + " \"b\": [true, false, true], \"u8\": [0, 1, 255], \"s\": {\"b64\": \"" + Base64.getEncoder().encodeToString("héllo".getBytes(StandardCharsets.UTF_8)) + "\"}}";
        Response response = harness.post("/v1/models/echo:predict", "{\"instances\": [" + instance + ", " + instance + "]}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode first = response.json().get("predictions").get(0);
        assertThat(fieldNames(first)).containsExactlyInAnyOrder("f32_out", "f64_out", "i32_out", "i64_out", "b_out", "u8_out", "s_out", "s_len");
        assertThat(response.body()).contains("\"f32_out\":[0.2,5.0,-6.0]");
        assertThat(first.get("f64_out").get(1).asDouble()).isEqualTo(2e300);
        assertThat(first.get("i32_out").toString()).isEqualTo("[2,3,-2147483648]");
        assertThat(first.get("i64_out").get(2).asLong()).isEqualTo(9007199254740994L);
        assertThat(first.get("b_out").toString()).isEqualTo("[false,true,false]");
        assertThat(first.get("u8_out").toString()).isEqualTo("[1,2,0]");
        assertThat(first.get("s_out").asText()).isEqualTo("héllo!");
        assertThat(first.get("s_len").asInt()).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8).length);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    @Test
    void severalInputsColumnarAndNonFiniteFloats() {
        String body = "{\"inputs\": {\"f32\": [[NaN, Infinity, -Infinity]], \"f64\": [[1, 2, 3]], \"i32\": [[1, 2, 3]], \"i64\": [[1, 2, 3]],"
                + " \"b\": [[true, true, false]], \"u8\": [[1, 2, 3]], \"s\": [\"a\"]}}";
        Response response = harness.post("/v1/models/echo:predict", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"f32_out\":[[NaN,Infinity,-Infinity]]");
        assertThat(response.json().at("/outputs/s_out/0").asText()).isEqualTo("a!");
    }

    @Test
    void floatsRoundTripExactlyThroughTheServer() {
        // (no subnormals: TensorFlow kernels flush them to zero; FloatTextTest covers their formatting)
        float[] values = {0.1f, 1f / 3, 16777217f, 2.3509887e-38f, 3.4028235e38f, 1e-30f, -0.0f, 123456.7f, 9.999999e-5f};
        // the echo model takes [?, 3] float32 and returns f32 * 2 (exact): every value must come back bit for bit
        for (int start = 0; start < values.length; start += 3) {
            String row = "[" + FloatText.format(values[start] / 2) + "," + FloatText.format(values[start + 1] / 2) + ","
                    + FloatText.format(values[start + 2] / 2) + "]";
            Response ok = harness.post("/v1/models/echo:predict", ("{\"inputs\": {\"f32\": [%s], \"f64\": [[0,0,0]], \"i32\": [[0,0,0]],"
                    + " \"i64\": [[0,0,0]], \"b\": [[true,true,true]], \"u8\": [[0,0,0]], \"s\": [\"\"]}}").formatted(row));
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            JsonNode out = ok.json().at("/outputs/f32_out/0");
            for (int k = 0; k < 3; k++) {
                float expected = (values[start + k] / 2) * 2;
                assertThat(Float.floatToIntBits(Float.parseFloat(out.get(k).asText()))).as("value %s", expected)
                        .isEqualTo(Float.floatToIntBits(expected));
            }
        }
    }

    @Test
    void classifyAndRegressBuildTfExamples() {
        Response regress = harness.post("/v1/models/tf1:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 3.0}, {\"x\": [10.0], \"bias\": 1}]}");
        assertThat(regress.status()).as(regress.body()).isEqualTo(200);
        assertThat(regress.body()).isEqualTo("{\"results\":[3.5,8.0]}");

        Response withContext = harness.post("/v1/models/tf1/labels/stable:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"context\": {\"bias\": 10}, \"examples\": [{\"x\": 1.0}, {\"x\": 1.0, \"bias\": 0}]}");
        assertThat(withContext.json().get("results").toString()).isEqualTo("[12.5,2.5]");

        Response classify = harness.post("/v1/models/tf1/versions/1:classify",
                "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2.0}]}");
        assertThat(classify.status()).as(classify.body()).isEqualTo(200);
        assertThat(classify.body()).isEqualTo("{\"results\":[[[\"low\",3.0],[\"high\",6.0]]]}");
    }

    /**
     * The request/response pairs of TF Serving's own {@code http_rest_api_handler_test.cc}, which
     * serves half_plus_two (y = 0.5 x + 2): the tf1 fixture computes the same function.
     */
    @Test
    void tfServingsOwnHandlerTestExpectations() throws IOException {
        assertSameJson(harness.post("/v1/models/tf1:predict", "{\"instances\": [1.0, 2.0]}"), "{ \"predictions\": [2.5, 3.0] }");
        assertSameJson(harness.post("/v1/models/tf1/versions/1:predict", "{\"instances\": [1.0, 2.0]}"), "{ \"predictions\": [2.5, 3.0] }");
        assertSameJson(harness.post("/v1/models/tf1:predict", "{\"signature_name\": \"serving_default\", \"instances\": [3.0, 4.0]}"),
                "{ \"predictions\": [3.5, 4.0] }");
        assertSameJson(harness.post("/v1/models/tf1:predict", "{\"signature_name\": \"serving_default\", \"inputs\": [3.0, 4.0]}"),
                "{ \"outputs\": [3.5, 4.0] }");
        assertSameJson(harness.post("/v1/models/tf1:regress", "{\"signature_name\": \"regress_x_to_y\", \"examples\": [ { \"x\": 80.0 } ] }"),
                "{ \"results\": [42] }");
        assertSameJson(harness.post("/v1/models/tf1/labels/stable:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"examples\": [ { \"x\": 80.0 } ] }"), "{ \"results\": [42] }");
        Response empty = harness.post("/v1/models/tf1:predict", "");
        assertThat(empty.error()).contains("JSON Parse error: The document is empty");
        assertThat(harness.post("/v1/models/tf1:predict", "instances = [1, 2]").error()).contains("JSON Parse error: ");
    }

    /** Same JSON as TF Serving's test compares it (CompareJson: parsed documents, numbers by value). */
    private static void assertSameJson(Response response, String expected) throws IOException {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(numbersAsDoubles(response.json())).isEqualTo(numbersAsDoubles(JsonBodies.MAPPER.readTree(expected)));
    }

    private static JsonNode numbersAsDoubles(JsonNode node) {
        if (node.isNumber()) {
            return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(node.doubleValue());
        }
        if (node.isArray()) {
            var array = JsonBodies.MAPPER.createArrayNode();
            node.forEach(child -> array.add(numbersAsDoubles(child)));
            return array;
        }
        if (node.isObject()) {
            var object = JsonBodies.MAPPER.createObjectNode();
            node.fields().forEachRemaining(field -> object.set(field.getKey(), numbersAsDoubles(field.getValue())));
            return object;
        }
        return node;
    }

    @Test
    void classifyRefusedWithReason() {
        Response wrongMethod = harness.post("/v1/models/tf1:classify", "{\"examples\": [{\"x\": 2.0}]}");
        assertThat(wrongMethod.status()).isEqualTo(400);
        assertThat(wrongMethod.error()).contains("Expected classification signature method_name to be tensorflow/serving/classify. "
                + "Was: tensorflow/serving/predict");
        Response regressOnClassify = harness.post("/v1/models/tf1:regress", "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2}]}");
        assertThat(regressOnClassify.status()).isEqualTo(400);
        Response missing = harness.post("/v1/models/tf1:classify", "{\"signature_name\": \"classify_x_to_y\", \"examples\": []}");
        assertThat(missing.error()).contains("'examples' value is an empty array");
        Response mixed = harness.post("/v1/models/tf1:regress", "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": [1.0, \"a\"]}]}");
        assertThat(mixed.error()).isEqualTo("Unexpected element type in feature: x expecting type: float");
    }

    @Test
    void layerOutputsExtension() throws IOException {
        Tensor images = NpyFile.read(ServingHarness.model("mnist_cnn").resolve("reference/batch_1/inputs/image.npy"));
        Response response = harness.post("/v1/models/cnn:predict", "{\"instances\": " + rows(images) + ", \"mlj_layers\": [\"pool1\", \"conv2\"]}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        Tensor pool1 = cnn.layerOutputs(Map.of("image", images), List.of("pool1")).get("pool1");
        assertThat(floats(response.json().at("/mlj_layer_outputs/pool1"))).containsExactly(pool1.toFloatArray());
        assertThat(fieldNames(response.json().get("mlj_layer_outputs"))).containsExactly("pool1", "conv2");

        Response unsupported = harness.post("/v1/models/tf1:predict", "{\"instances\": [1.0], \"mlj_layers\": [\"dense\"]}");
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.error()).startsWith("This model cannot serve layer outputs (mlj_layers): ");
        Response unknownLayer = harness.post("/v1/models/cnn:predict", "{\"instances\": " + rows(images) + ", \"mlj_layers\": [\"nope\"]}");
        assertThat(unknownLayer.status()).isEqualTo(400);
        assertThat(unknownLayer.error()).contains("nope");
    }

    @Test
    void errorsUseTfServingsCodesAndMessages() {
        assertThat(harness.post("/v1/models/cnn:predict", "").error()).isEqualTo("JSON Parse error: The document is empty");
        Response malformed = harness.post("/v1/models/cnn:predict", "{\"instances\": [1, 2");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.error()).startsWith("JSON Parse error: ").contains("at offset: ").contains("line 1, column");
        Response type = harness.post("/v1/models/tf1:predict", "{\"instances\": [\"x\", \"y\"]}");
        assertThat(type.error()).contains("Type: String is not of expected type: float");
        Response shape = harness.post("/v1/models/cnn:predict", "{\"instances\": [[1.0, 2.0]]}");
        assertThat(shape.status()).isEqualTo(400);
        assertThat(shape.error()).contains("expected rank 4");
        Response ragged = harness.post("/v1/models/tf1:predict", "{\"inputs\": [[1.0], [2.0, 3.0]]}");
        assertThat(ragged.error()).contains("Encountered list at unexpected size: 2 at level: 1 expected size: 1");
        Response both = harness.post("/v1/models/tf1:predict", "{\"inputs\": [1.0], \"instances\": [1.0]}");
        assertThat(both.error()).contains("expecting only one of 'inputs' or 'instances' keys to exist");
        assertThat(harness.post("/v1/models/tf1:predict", "{\"signature_name\": 100}").error())
                .contains("'signature_name' key must be a string value.");
        assertThat(harness.post("/v1/models/tf1:predict", "{\"signature_name\": \"nope\", \"instances\": [1.0]}").error())
                .startsWith("Serving signature name: \"nope\" not found in signature def");
        assertThat(harness.post("/v1/models/tf1:predict", "{}").error()).isEqualTo("Missing 'inputs' or 'instances' key");

        Response unknownModel = harness.post("/v1/models/foo:predict", "{\"instances\": [1]}");
        assertThat(unknownModel.status()).isEqualTo(404);
        assertThat(unknownModel.error()).isEqualTo("Servable not found for request: Latest(foo)");
        Response unknownVersion = harness.post("/v1/models/cnn/versions/99:predict", "{\"instances\": [1]}");
        assertThat(unknownVersion.status()).isEqualTo(404);
        assertThat(unknownVersion.error()).isEqualTo("Servable not found for request: Specific(cnn, 99)");
        Response label = harness.post("/v1/models/tf1/labels/canary:predict", "{\"instances\": [1.0]}");
        assertThat(label.status()).isEqualTo(400);
        assertThat(label.error()).isEqualTo("Unrecognized servable version label: canary");
        assertThat(harness.get("/v1/models/foo").status()).isEqualTo(404);
        assertThat(harness.get("/v1/models/cnn/versions/7").error()).isEqualTo("Could not find version 7 of model cnn");
        Response malformedPath = harness.post("/v1/models/cnn:explain", "{}");
        assertThat(malformedPath.status()).isEqualTo(400);
        assertThat(malformedPath.error()).isEqualTo("Malformed request: POST /v1/models/cnn:explain");
        assertThat(harness.get("/nowhere").status()).isEqualTo(404);
    }

    @Test
    void listingIsAnExtension() {
        JsonNode models = harness.get("/v1/models").json().get("models");
        assertThat(models.findValuesAsText("name")).containsExactly("cnn", "echo", "tf1");
        assertThat(models.get(0).at("/model_version_status/0/state").asText()).isEqualTo("AVAILABLE");
    }

    @Test
    void metricsAtBothPaths() {
        harness.post("/v1/models/tf1:predict", "{\"instances\": [1.0, 2.0]}");
        harness.post("/v1/models/tf1:predict", "{\"instances\": [\"bad\"]}");
        for (String path : List.of("/metrics", "/monitoring/prometheus/metrics")) {
            Response metrics = harness.get(path);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("mlj_serving_requests_total{model=\"tf1\",version=\"1\",api=\"tfserving\",code=\"200\"}")
                    .contains("mlj_serving_requests_total{model=\"tf1\",version=\"1\",api=\"tfserving\",code=\"400\"}")
                    .contains("mlj_serving_request_duration_seconds_bucket{model=\"tf1\",version=\"1\",api=\"tfserving\",code=\"200\",le=\"+Inf\"}")
                    .contains("mlj_serving_model_loads_total{model=\"cnn\"} 1")
                    .contains("mlj_serving_in_flight_requests ");
        }
    }
}
