package org.mlj.serving.oip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** The Open Inference Protocol v2 on the tensorflow backend: mnist_ffnn (bundle) and dtypes_echo. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OipApiTest {
    ServingHarness harness;
    Model ffnn;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        ServingHarness.basePath(dir, "ffnn", "mnist_ffnn");
        Files.createDirectories(dir.resolve("echo"));
        Files.createSymbolicLink(dir.resolve("echo/3"), ServingHarness.model("dtypes_echo").resolve("saved_model"));
        Files.writeString(dir.resolve("models.config"), """
                model_config_list { config { name: "ffnn" base_path: "ffnn" } config { name: "echo" base_path: "echo" } }
                """);
        harness = ServingHarness.start("--model_config_file=" + dir.resolve("models.config"), "--backend=tensorflow");
        ffnn = Models.load(ServingHarness.model("mnist_ffnn"), LoadOptions.builder().backend("tensorflow").build());
    }

    @AfterAll
    void stop() {
        if (harness != null) {
            harness.close();
        }
        if (ffnn != null) {
            ffnn.close();
        }
    }

    private static String flat(Tensor tensor) {
        StringBuilder data = new StringBuilder("[");
        float[] values = tensor.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            data.append(i > 0 ? "," : "").append(FloatText.format(values[i]));
        }
        return data.append(']').toString();
    }

    @Test
    void serverAndHealth() {
        JsonNode server = harness.get("/v2").json();
        assertThat(server.get("name").asText()).isEqualTo("mlj");
        assertThat(server.get("extensions").toString()).contains("mlj_layers");
        assertThat(harness.get("/v2/health/live").body()).isEqualTo("{\"live\":true}");
        Response ready = harness.get("/v2/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"ready\":true}");
        assertThat(harness.get("/v2/models/ffnn/ready").json().get("ready").asBoolean()).isTrue();
        assertThat(harness.get("/v2/models/echo/versions/3/ready").status()).isEqualTo(200);
        assertThat(harness.get("/v2/models/echo/versions/4/ready").status()).isEqualTo(503);
        assertThat(harness.post("/v2/health/live", "{}").status()).isEqualTo(405);
    }

    @Test
    void modelMetadata() {
        JsonNode metadata = harness.get("/v2/models/ffnn").json();
        assertThat(metadata.get("name").asText()).isEqualTo("ffnn");
        assertThat(metadata.get("versions").toString()).isEqualTo("[\"1\"]");
        assertThat(metadata.get("platform").asText()).isEqualTo("tensorflow_savedmodel");
        assertThat(metadata.get("inputs").toString()).isEqualTo("[{\"name\":\"pixels\",\"datatype\":\"FP32\",\"shape\":[-1,784]}]");
        assertThat(metadata.get("outputs").toString()).isEqualTo("[{\"name\":\"predictions\",\"datatype\":\"FP32\",\"shape\":[-1,10]}]");
        assertThat(harness.get("/v2/models/echo/versions/3").json().get("inputs")).hasSize(7);
        assertThat(harness.get("/v2/models/nope").status()).isEqualTo(404);
    }

    @Test
    void inferEqualsInProcessPredict() throws IOException {
        Tensor pixels = NpyFile.read(ServingHarness.model("mnist_ffnn").resolve("reference/batch_32/inputs/pixels.npy"));
        Tensor expected = ffnn.predict(Map.of("pixels", pixels)).get("predictions");
        Response response = harness.post("/v2/models/ffnn/infer", "{\"id\": \"req-7\", \"inputs\": [{\"name\": \"pixels\", \"shape\": [32, 784],"
                + " \"datatype\": \"FP32\", \"data\": " + flat(pixels) + "}]}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("model_name").asText()).isEqualTo("ffnn");
        assertThat(body.get("model_version").asText()).isEqualTo("1");
        assertThat(body.get("id").asText()).isEqualTo("req-7");
        JsonNode output = body.get("outputs").get(0);
        assertThat(output.get("name").asText()).isEqualTo("predictions");
        assertThat(output.get("datatype").asText()).isEqualTo("FP32");
        assertThat(output.get("shape").toString()).isEqualTo("[32,10]");
        float[] got = new float[output.get("data").size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = output.get("data").get(i).floatValue();
        }
        assertThat(got).containsExactly(expected.toFloatArray());
    }

    @Test
    void nestedDataEveryDatatypeAndOutputsFilter() {
        String body = """
                {"inputs": [
                  {"name": "f32", "shape": [2, 3], "datatype": "FP32", "data": [[1.5, 2, 3], [4, 5, 6]]},
                  {"name": "f64", "shape": [2, 3], "datatype": "FP64", "data": [1, 2, 3, 4, 5, 6.25]},
                  {"name": "i32", "shape": [2, 3], "datatype": "INT32", "data": [1, 2, 3, 4, 5, 6]},
                  {"name": "i64", "shape": [2, 3], "datatype": "INT64", "data": [1, 2, 3, 4, 5, 9007199254740993]},
                  {"name": "b", "shape": [2, 3], "datatype": "BOOL", "data": [true, false, true, false, true, false]},
                  {"name": "u8", "shape": [2, 3], "datatype": "UINT8", "data": [0, 1, 2, 3, 4, 255]},
                  {"name": "s", "shape": [2], "datatype": "BYTES", "data": ["ab", "c"]}],
                 "outputs": [{"name": "i64_out"}, {"name": "s_out"}, {"name": "b_out"}, {"name": "f64_out"}]}
                """;
        Response response = harness.post("/v2/models/echo/infer", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode outputs = response.json().get("outputs");
        List<String> names = new ArrayList<>();
        outputs.forEach(output -> names.add(output.get("name").asText()));
        assertThat(names).containsExactly("i64_out", "s_out", "b_out", "f64_out");
        assertThat(outputs.get(0).get("data").get(5).asLong()).isEqualTo(9007199254740994L);
        assertThat(outputs.get(0).get("datatype").asText()).isEqualTo("INT64");
        assertThat(outputs.get(1).get("data").toString()).isEqualTo("[\"ab!\",\"c!\"]");
        assertThat(outputs.get(1).get("datatype").asText()).isEqualTo("BYTES");
        assertThat(outputs.get(2).get("data").toString()).isEqualTo("[false,true,false,true,false,true]");
        assertThat(response.body()).contains("\"data\":[2.0,4.0,6.0,8.0,10.0,12.5]");
        assertThat(response.json().has("id")).isFalse();
    }

    @Test
    void layerOutputsAsExtraOutputs() throws IOException {
        Tensor pixels = NpyFile.read(ServingHarness.model("mnist_ffnn").resolve("reference/batch_1/inputs/pixels.npy"));
        String layer = ffnn.layers().get(0).name();
        Response response = harness.post("/v2/models/ffnn/infer", "{\"inputs\": [{\"name\": \"pixels\", \"shape\": [1, 784], \"datatype\": \"FP32\","
                + " \"data\": " + flat(pixels) + "}], \"parameters\": {\"mlj_layers\": \"" + layer + "\"}}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode extra = response.json().get("outputs").get(1);
        assertThat(extra.get("name").asText()).isEqualTo(layer);
        assertThat(extra.at("/parameters/mlj_layer").asBoolean()).isTrue();
        Tensor expected = ffnn.layerOutputs(Map.of("pixels", pixels), List.of(layer)).get(layer);
        assertThat(extra.get("data")).hasSize((int) expected.shape().size());
        Response refused = harness.post("/v2/models/echo/infer", "{\"inputs\": [{\"name\": \"s\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"a\"]}],"
                + " \"parameters\": {\"mlj_layers\": \"x\"}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error()).startsWith("This model cannot serve layer outputs");
    }

    @Test
    void errorsNameWhatIsWrong() {
        String pixels = "{\"name\": \"pixels\", \"shape\": [1, 784], \"datatype\": \"%s\", \"data\": %s}";
        String zeros = "[" + "0,".repeat(783) + "0]";
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": [" + pixels.formatted("FP16", zeros) + "]}").error())
                .isEqualTo("Unsupported datatype 'FP16'; mlj serves BOOL, UINT8, INT32, INT64, FP32, FP64, BYTES");
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": [" + pixels.formatted("FP64", zeros) + "]}").error())
                .startsWith("Input 'pixels' has datatype FP64, the model expects FP32");
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": [" + pixels.formatted("FP32", "[1, 2]") + "]}").error())
                .isEqualTo("Input 'pixels' has 2 data elements, but shape [1, 784] needs 784");
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}").error())
                .isEqualTo("Unknown input 'image'; the model's inputs are [pixels]");
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": [" + pixels.formatted("FP32", zeros) + "], \"outputs\": [{\"name\": \"x\"}]}").error())
                .isEqualTo("Unknown output 'x'; the model's outputs are [predictions]");
        assertThat(harness.post("/v2/models/ffnn/infer", "{\"inputs\": []}").status()).isEqualTo(400);
        Response broken = harness.post("/v2/models/ffnn/infer", "{\"inputs\": [".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.error()).startsWith("JSON Parse error: ");
        assertThat(harness.post("/v2/models/nope/infer", "{}").status()).isEqualTo(404);
        assertThat(harness.get("/v2/models/ffnn/infer").status()).isEqualTo(405);
        assertThat(harness.post("/v2/models/ffnn/versions/9/infer", "{\"inputs\": [" + pixels.formatted("FP32", zeros) + "]}").status())
                .isEqualTo(404);
    }
}
