package org.mlj.serving.tfserving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;
import org.mlj.serving.proto.TfExample;

/**
 * Decodes a TF Serving {@code :classify} / {@code :regress} body into serialized {@code tf.Example}s
 * as {@code FillClassifyRegressRequestFromJson} does: {@code examples} is a non-empty list of
 * objects, each key a feature whose value is one value or a list; strings and {@code {"b64": ...}}
 * become bytes, numbers with a fraction or exponent floats, integers and booleans int64. An optional
 * {@code context} object holds features shared by every example: like TF Serving's
 * {@code ExampleListWithContext}, each example is serialized after the context, so protobuf merge
 * rules let the example's own features win. A pure function (fuzzed); thread-safe.
 */
public final class ExampleRequestDecoder {
    private ExampleRequestDecoder() {
    }

    /**
     * Decodes a body.
     *
     * @param method {@code classify} or {@code regress}, for messages
     * @throws ServingException 400 naming the offending key or value
     */
    public static ExampleRequest decode(byte[] body, String method) {
        JsonNode document = JsonBodies.parseObject(body);
        String signatureName = PredictRequestDecoder.signatureName(document);
        byte[] context = new byte[0];
        JsonNode contextNode = document.get("context");
        if (contextNode != null) {
            context = example(contextNode).serialize();
        }
        JsonNode examples = document.get("examples");
        if (examples == null) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document) + " When method is " + method
                    + ", key 'examples' is expected and was not found");
        }
        if (!examples.isArray()) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document) + " Expecting 'examples' value to be an list/array");
        }
        if (examples.isEmpty()) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document) + " 'examples' value is an empty array");
        }
        List<byte[]> serialized = new ArrayList<>();
        for (JsonNode example : examples) {
            byte[] own = example(example).serialize();
            byte[] merged = new byte[context.length + own.length];
            System.arraycopy(context, 0, merged, 0, context.length);
            System.arraycopy(own, 0, merged, context.length, own.length);
            serialized.add(merged);
        }
        return new ExampleRequest(signatureName, serialized);
    }

    private static TfExample example(JsonNode value) {
        if (!value.isObject()) {
            throw ServingException.invalid("Example must be JSON object but got JSON " + JsonBodies.typeName(value));
        }
        TfExample example = new TfExample();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) value::fields) {
            String name = field.getKey();
            example.startFeature(name);
            JsonNode content = field.getValue();
            try {
                if (content.isArray()) {
                    for (JsonNode element : content) {
                        add(example, name, element);
                    }
                } else {
                    add(example, name, content);
                }
            } catch (IllegalArgumentException e) {
                throw ServingException.invalid(e.getMessage());
            }
        }
        return example;
    }

    private static void add(TfExample example, String name, JsonNode value) {
        if (value.isBoolean()) {
            example.add(name, TfExample.Kind.INT64, value.booleanValue() ? 1L : 0L);
        } else if (value.isTextual()) {
            example.add(name, TfExample.Kind.BYTES, value.textValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (TensorJson.isBase64(value)) {
            example.add(name, TfExample.Kind.BYTES, TensorJson.decodeBase64(value));
        } else if (value.isFloatingPointNumber()) {
            example.add(name, TfExample.Kind.FLOAT, value.isDouble() ? (float) value.doubleValue() : Float.parseFloat(value.asText()));
        } else if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw ServingException.invalid("Feature: " + name + " has uint64_t element. Only int64_t is supported.");
            }
            example.add(name, TfExample.Kind.INT64, value.longValue());
        } else {
            throw ServingException.invalid("Feature: " + name + " has element with unexpected JSON type: " + JsonBodies.typeName(value));
        }
    }
}
