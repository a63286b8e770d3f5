package org.mlj.serving.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mlj.api.DType;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ServingException;
import org.mlj.serving.config.TextProto;
import org.mlj.serving.json.TensorJson;
import org.mlj.serving.oip.InferRequestDecoder;
import org.mlj.serving.tfserving.ExampleRequestDecoder;
import org.mlj.serving.tfserving.PredictRequestDecoder;

/**
 * Jazzer fuzz tests of the pure request decoders: whatever the bytes, a decoder either returns a
 * request or throws {@link ServingException} (a 400 with a message), never anything else. In
 * {@code mvn verify} they run in regression mode over the committed seed corpus
 * ({@code src/test/resources/org/mlj/serving/fuzz/DecoderFuzzTestInputs/<method>/}); with
 * {@code JAZZER_FUZZ=1} they fuzz.
 */
class DecoderFuzzTest {
    private static final Signature SIGNATURE = new Signature("serving_default", List.of(
            TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 2)), TensorSpec.of("s", DType.STRING, Shape.of(-1)),
            TensorSpec.of("i", DType.INT64, Shape.of(-1)), TensorSpec.of("b", DType.BOOL, Shape.of(-1)),
            TensorSpec.of("u", DType.UINT8, Shape.of(-1)), TensorSpec.of("d", DType.FLOAT64, Shape.of(-1)),
            TensorSpec.of("n", DType.INT32, Shape.of(-1)).asOptional()),
            List.of(TensorSpec.of("y", DType.FLOAT32, Shape.of(-1))));
    private static final Signature SINGLE = new Signature("serving_default", List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 2))),
            List.of(TensorSpec.of("y", DType.FLOAT32, Shape.of(-1))));

    @FuzzTest(maxDuration = "10s")
    void tfServingPredict(byte[] body) {
        for (Signature signature : List.of(SIGNATURE, SINGLE)) {
            try {
                PredictRequestDecoder.decode(body, name -> signature);
            } catch (ServingException expected) {
                // a 400 with a message
                checkMessage(expected);
            }
        }
    }

    @FuzzTest(maxDuration = "10s")
    void tfServingClassify(byte[] body) {
        try {
            ExampleRequestDecoder.decode(body, "classify");
        } catch (ServingException expected) {
            checkMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void oipInfer(byte[] body) {
        try {
            InferRequestDecoder.decode(body, SIGNATURE);
        } catch (ServingException expected) {
            checkMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void base64(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        try {
            TensorJson.decodeBase64(JsonNodeFactory.instance.objectNode().put("b64", text));
        } catch (ServingException expected) {
            checkMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void textFormatConfig(byte[] data) {
        try {
            TextProto.parse(new String(data, StandardCharsets.UTF_8), "fuzz.config");
        } catch (IllegalArgumentException expected) {
            if (!expected.getMessage().startsWith("fuzz.config")) {
                throw new AssertionError("Config error without the file name: " + expected.getMessage(), expected);
            }
        }
    }

    private static void checkMessage(ServingException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("400 without a message", e);
        }
    }
}
