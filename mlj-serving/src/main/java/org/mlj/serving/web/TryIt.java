package org.mlj.serving.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.imageio.ImageIO;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.bundle.ActivationImages;
import org.mlj.serving.ServingException;
import org.mlj.serving.inference.Inference;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.inference.InferenceResult;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.repository.ModelVersion;
import org.mlj.serving.repository.ServedModel;

/**
 * The try-it panel's requests: a digit picture (PNG bytes) or a text, prepared on the server with the
 * bundle's own preprocessing, run through the server's {@link Inference} with every layer's output
 * asked for (the path of the {@code mlj_layers} extension of {@code :predict}), and answered with the
 * class probabilities, one PNG per layer drawn by {@link ActivationImages} (the pictures {@code ./mlj
 * activations} writes), the backend and version that answered, and the time taken. Thread-safe.
 */
final class TryIt {
    private final Inference inference;
    private final ActivationImages images = new ActivationImages();

    TryIt(Inference inference) {
        this.inference = inference;
    }

    /** Classifies a picture of a digit sent as the request body. */
    byte[] digit(ServedModel served, OptionalLong number, byte[] body, Preparations preparations) {
        long start = System.nanoTime();
        ModelVersion version = served.acquire(number);
        boolean handedOver = false;
        try {
            BundleInputs inputs = preparations.of(version);
            if (inputs.kind() != BundleInputs.Kind.IMAGE) {
                throw ServingException.invalid("Model " + served.name() + " does not take digit pictures: " + describe(inputs)
                        + "; send it a :predict request instead");
            }
            BufferedImage picture = decode(body);
            float[] pixels = inputs.digits().pixels(picture);
            Tensor tensor = Tensor.ofFloats(pixels, inputs.exampleShape().dims());
            int side = side(pixels);
            Tensor shown = Tensor.ofFloats(pixels, 1, side, side, 1);
            handedOver = true;
            return run(served, version, tensor, inputs, start, json -> {
                json.writeStringField("input_png", base64(images.png("input as the model sees it " + tensor.shape(), shown)));
            });
        } finally {
            if (!handedOver) {
                version.release();
            }
        }
    }

    /** Classifies a text sent as {@code {"text": "..."}}. */
    byte[] text(ServedModel served, OptionalLong number, byte[] body, Preparations preparations) {
        long start = System.nanoTime();
        JsonNode document = JsonBodies.parseObject(body);
        JsonNode text = document.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw ServingException.invalid("Expected a JSON object {\"text\": \"a movie review\"} with a non-empty text, got "
                    + JsonBodies.debug(document));
        }
        ModelVersion version = served.acquire(number);
        boolean handedOver = false;
        try {
            BundleInputs inputs = preparations.of(version);
            if (inputs.kind() != BundleInputs.Kind.TEXT) {
                throw ServingException.invalid("Model " + served.name() + " does not take text: " + describe(inputs)
                        + "; send it a :predict request instead");
            }
            List<String> tokens = inputs.tokenizer().tokens(text.asText());
            long unknown = tokens.stream().filter(token -> !inputs.tokenizer().knows(token)).count();
            Tensor tensor = inputs.tokenizer().encode(List.of(text.asText()));
            handedOver = true;
            return run(served, version, tensor, inputs, start, json -> {
                json.writeNumberField("tokens", tokens.size());
                json.writeNumberField("unknown_tokens", unknown);
                json.writeNumberField("max_length", inputs.tokenizer().maxLength());
            });
        } finally {
            if (!handedOver) {
                version.release();
            }
        }
    }

    private static String describe(BundleInputs inputs) {
        return inputs.kind() == BundleInputs.Kind.OTHER ? inputs.note() : "it is a " + inputs.kind().id() + " model";
    }

    /** The side of the square picture the prepared pixels form (28 for MNIST). */
    private static int side(float[] pixels) {
        int side = (int) Math.round(Math.sqrt(pixels.length));
        if (side * side != pixels.length) {
            throw ServingException.invalid("The prepared picture has " + pixels.length + " pixels, not a square");
        }
        return side;
    }

    private static BufferedImage decode(byte[] body) {
        if (body.length == 0) {
            throw ServingException.invalid("Expected a picture of a digit (PNG, JPEG, GIF or BMP) as the request body, got an empty body");
        }
        BufferedImage picture;
        try {
            picture = ImageIO.read(new ByteArrayInputStream(body));
        } catch (IOException e) {
            throw ServingException.invalid("The request body is not a readable picture: " + e.getMessage());
        }
        if (picture == null) {
            throw ServingException.invalid("The request body (" + body.length + " bytes) is not a picture javax.imageio decodes; "
                    + "expected a PNG, JPEG, GIF or BMP of a digit");
        }
        return picture;
    }

    /** Runs the acquired version (released here on an early failure, else by the predictor) and writes the answer. */
    private byte[] run(ServedModel served, ModelVersion version, Tensor input, BundleInputs inputs, long start, JsonBodies.Writer extra) {
        TensorSpec inputSpec;
        List<LayerInfo> layers;
        String backend;
        String format;
        String signature;
        String unsupported;
        try {
            Model model = version.model();
            inputSpec = model.signature().requiredInputs().get(0);
            layers = model.supportsLayerOutputs() ? model.layers() : List.of();
            backend = model.backend();
            format = model.format().description();
            signature = model.signature().name();
            unsupported = model.supportsLayerOutputs() ? null
                    : model.layerOutputsUnsupportedReason().orElse("the backend does not serve layer outputs");
        } catch (RuntimeException e) {
            version.release();
            throw e;
        }
        long inferenceStart = System.nanoTime();
        InferenceResult result = inference.run(new InferenceCall(version, signature, Map.of(inputSpec.name(), input),
                layers.stream().map(LayerInfo::name).toList()));
        long inferenceNanos = System.nanoTime() - inferenceStart;
        Tensor scores = result.outputs().values().iterator().next();
        Map<String, String> pictures = new LinkedHashMap<>();
        for (LayerInfo layer : layers) {
            Tensor values = result.layers().get(layer.name());
            pictures.put(layer.name(), base64(images.png(ActivationImages.caption(layer.name(), layer.className(), values), values)));
        }
        long totalNanos = System.nanoTime() - start;
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeStringField("model", served.name());
            json.writeNumberField("version", version.number());
            json.writeStringField("backend", backend);
            json.writeStringField("format", format);
            json.writeStringField("signature", signature);
            json.writeNumberField("inference_ms", inferenceNanos / 1e6);
            json.writeNumberField("server_ms", totalNanos / 1e6);
            writeClasses(json, scores, inputs.labels());
            json.writeFieldName("layers");
            json.writeStartArray();
            for (LayerInfo layer : layers) {
                Tensor values = result.layers().get(layer.name());
                json.writeStartObject();
                json.writeStringField("name", layer.name());
                json.writeStringField("class", layer.className());
                json.writeStringField("shape", values.shape().toString());
                json.writeStringField("view", ActivationImages.view(values).name().toLowerCase(java.util.Locale.ROOT));
                json.writeStringField("png", pictures.get(layer.name()));
                json.writeEndObject();
            }
            json.writeEndArray();
            if (unsupported != null) {
                json.writeStringField("layers_unavailable", unsupported);
            }
            extra.write(json);
            json.writeFieldName("input_values"); // for the 3D view, which runs the same input in TensorFlow.js
            json.writeStartArray();
            for (double value : input.toDoubles()) {
                json.writeNumber((float) value);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** Class probabilities: softmax {@code [1, classes]}, or a sigmoid {@code [1, 1]} read as (1 - p, p). */
    private static void writeClasses(JsonGenerator json, Tensor scores, List<String> labels) throws IOException {
        double[] values = scores.toDoubles();
        double[] probabilities = values.length == 1 ? new double[] {1 - values[0], values[0]} : values;
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        json.writeFieldName("classes");
        json.writeStartArray();
        for (int i = 0; i < probabilities.length; i++) {
            json.writeStartObject();
            json.writeStringField("label", i < labels.size() ? labels.get(i) : Integer.toString(i));
            json.writeNumberField("probability", probabilities[i]);
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("predicted", best < labels.size() ? labels.get(best) : Integer.toString(best));
        json.writeNumberField("probability", probabilities[best]);
    }

    private static String base64(byte[] png) {
        return Base64.getEncoder().encodeToString(png);
    }
}
