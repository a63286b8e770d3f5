package org.mlj.serving.oip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;

/**
 * Decodes an Open Inference Protocol v2 {@code infer} body (KServe / Triton JSON): {@code id},
 * {@code inputs} (each {@code name}, {@code shape}, {@code datatype}, {@code data} flat or nested in
 * row-major order), the optional {@code outputs} filter, and mlj's {@code parameters.mlj_layers}
 * (comma-separated layer names). A pure function of its arguments (fuzzed); thread-safe.
 */
public final class InferRequestDecoder {
    private InferRequestDecoder() {
    }

    /**
     * Decodes a body against the signature it is for.
     *
     * @throws ServingException 400 naming the input and what was expected
     */
    public static InferRequest decode(byte[] body, Signature signature) {
        JsonNode document = JsonBodies.parseObject(body);
        String id = null;
        JsonNode idNode = document.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual()) {
                throw ServingException.invalid("'id' must be a string, got " + JsonBodies.debug(idNode));
            }
            id = idNode.textValue();
        }
        JsonNode inputs = document.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServingException.invalid("'inputs' must be a non-empty list of tensors {name, shape, datatype, data}; the model's inputs are "
                    + signature.inputs());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (JsonNode input : inputs) {
            String name = text(input, "name", "input");
            TensorSpec spec = signature.input(name).orElseThrow(() -> ServingException.invalid(
                    "Unknown input '" + name + "'; the model's inputs are " + signature.inputNames()));
            if (tensors.containsKey(name)) {
                throw ServingException.invalid("Input '" + name + "' is given twice");
            }
            tensors.put(name, tensor(input, spec));
        }
        List<String> outputs = new ArrayList<>();
        JsonNode requested = document.get("outputs");
        if (requested != null) {
            if (!requested.isArray()) {
                throw ServingException.invalid("'outputs' must be a list of {\"name\": ...}, got " + JsonBodies.debug(requested));
            }
            for (JsonNode output : requested) {
                String name = text(output, "name", "output");
                if (!signature.outputNames().contains(name)) {
                    throw ServingException.invalid("Unknown output '" + name + "'; the model's outputs are " + signature.outputNames());
                }
                outputs.add(name);
            }
        }
        return new InferRequest(id, tensors, outputs, layers(document));
    }

    private static String text(JsonNode object, String key, String what) {
        if (!object.isObject()) {
            throw ServingException.invalid("Each " + what + " must be a JSON object, got " + JsonBodies.debug(object));
        }
        JsonNode value = object.get(key);
        if (value == null || !value.isTextual()) {
            throw ServingException.invalid("Each " + what + " needs a string '" + key + "', got " + JsonBodies.debug(object));
        }
        return value.textValue();
    }

    private static Tensor tensor(JsonNode input, TensorSpec spec) {
        String name = spec.name();
        OipDatatype datatype = OipDatatype.parse(text(input, "datatype", "input"));
        if (datatype.dtype() != spec.dtype()) {
            throw ServingException.invalid("Input '" + name + "' has datatype " + datatype + ", the model expects "
                    + OipDatatype.of(spec.dtype()) + " (" + spec + ")");
        }
        JsonNode shapeNode = input.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw ServingException.invalid("Input '" + name + "' needs 'shape', a list of dimensions");
        }
        long[] shape = new long[shapeNode.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.longValue() < 0) {
                throw ServingException.invalid("Input '" + name + "' has shape " + shapeNode + ": dimensions must be non-negative integers");
            }
            shape[i] = dim.longValue();
            size = Math.multiplyExact(size, shape[i]);
        }
        JsonNode data = input.get("data");
        if (data == null) {
            throw ServingException.invalid("Input '" + name + "' has no 'data'");
        }
        ArrayNode flat = JsonBodies.MAPPER.createArrayNode();
        flatten(data, flat, 0);
        if (flat.size() != size) {
            throw ServingException.invalid("Input '" + name + "' has " + flat.size() + " data elements, but shape "
                    + java.util.Arrays.toString(shape) + " needs " + size);
        }
        try {
            return TensorJson.read(flat, spec.dtype()).reshape(shape);
        } catch (ServingException e) {
            throw ServingException.invalid("Input '" + name + "': " + e.getMessage());
        }
    }

    private static void flatten(JsonNode value, ArrayNode into, int depth) {
        if (depth > 64) {
            throw ServingException.invalid("'data' is nested deeper than 64 levels");
        }
        if (value.isArray()) {
            for (JsonNode element : value) {
                flatten(element, into, depth + 1);
            }
        } else {
            into.add(value);
        }
    }

    private static List<String> layers(JsonNode document) {
        JsonNode parameters = document.get("parameters");
        if (parameters == null || !parameters.isObject() || !parameters.has("mlj_layers")) {
            return List.of();
        }
        JsonNode layers = parameters.get("mlj_layers");
        if (!layers.isTextual()) {
            throw ServingException.invalid("parameters.mlj_layers must be a string of comma-separated layer names, got "
                    + JsonBodies.debug(layers));
        }
        List<String> names = new ArrayList<>();
        for (String name : layers.textValue().split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }
}
