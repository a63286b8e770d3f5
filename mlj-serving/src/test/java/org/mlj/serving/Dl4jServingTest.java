package org.mlj.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.mlj.serving.ServingHarness.Response;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;

/** The dl4j backend behind both APIs: a version directory holding only a Keras 3 .keras file. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Dl4jServingTest {
    ServingHarness harness;
    Model cnn;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        Path version = Files.createDirectories(dir.resolve("cnn/1"));
        Files.createSymbolicLink(version.resolve("model.keras"), ServingHarness.model("mnist_cnn").resolve("model.keras"));
        harness = ServingHarness.start("--model_name=cnn", "--model_base_path=" + dir.resolve("cnn"), "--backend=dl4j");
        cnn = Models.load(ServingHarness.model("mnist_cnn").resolve("model.keras"), LoadOptions.builder().backend("dl4j").build());
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

    @Test
    void predictOverHttpEqualsInProcessPredict() throws IOException {
        Tensor images = NpyFile.read(ServingHarness.model("mnist_cnn").resolve("reference/batch_32/inputs/image.npy"));
        Tensor expected = cnn.predict(Map.of(cnn.signature().inputNames().get(0), images)).first();
        String rows = new String(JsonBodies.write(json -> TensorJson.write(json, images, 0, 0, false)), StandardCharsets.UTF_8);
        Response response = harness.post("/v1/models/cnn:predict", "{\"instances\": " + rows + "}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode predictions = response.json().get("predictions");
        float[] got = new float[320];
        for (int i = 0; i < 32; i++) {
            for (int k = 0; k < 10; k++) {
                got[i * 10 + k] = predictions.get(i).get(k).floatValue();
            }
        }
        assertThat(got).containsExactly(expected.toFloatArray());

        String flat = rows.replace("[", "").replace("]", "");
        Response oip = harness.post("/v2/models/cnn/infer", "{\"inputs\": [{\"name\": \"" + cnn.signature().inputNames().get(0)
                + "\", \"shape\": [32, 28, 28, 1], \"datatype\": \"FP32\", \"data\": [" + flat + "]}]}");
        assertThat(oip.status()).as(oip.body()).isEqualTo(200);
        assertThat(oip.json().at("/outputs/0/data/0").floatValue()).isEqualTo(expected.toFloatArray()[0]);
        assertThat(harness.get("/v2/models/cnn").json().get("platform").asText()).isEqualTo("mlj_dl4j");
    }

    @Test
    void metadataMadeFromMljSignatures() {
        JsonNode metadata = harness.get("/v1/models/cnn/metadata").json();
        JsonNode signature = metadata.at("/metadata/signature_def/signature_def").elements().next();
        assertThat(signature.get("method_name").asText()).isEqualTo("tensorflow/serving/predict");
        JsonNode input = signature.get("inputs").elements().next();
        assertThat(input.get("dtype").asText()).isEqualTo("DT_FLOAT");
        assertThat(input.at("/tensor_shape/dim/0/size").asText()).isEqualTo("-1");
    }

    @Test
    void layerOutputsWorkAndClassifyIsRefusedWithReason() throws IOException {
        Tensor image = NpyFile.read(ServingHarness.model("mnist_cnn").resolve("reference/batch_1/inputs/image.npy"));
        String rows = new String(JsonBodies.write(json -> TensorJson.write(json, image, 0, 0, false)), StandardCharsets.UTF_8);
        Response layers = harness.post("/v1/models/cnn:predict", "{\"instances\": " + rows + ", \"mlj_layers\": [\"conv1\"]}");
        assertThat(layers.status()).as(layers.body()).isEqualTo(200);
        assertThat(layers.json().at("/mlj_layer_outputs/conv1/0")).hasSize(24);

        Response classify = harness.post("/v1/models/cnn:classify", "{\"examples\": [{\"x\": 1.0}]}");
        assertThat(classify.status()).isEqualTo(400);
        assertThat(classify.error()).contains("dl4j backend").contains("has no SavedModel signatures");
    }
}
