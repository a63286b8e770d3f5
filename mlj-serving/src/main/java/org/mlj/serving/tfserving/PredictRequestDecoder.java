package org.mlj.serving.tfserving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;

/**
 * Decodes a TF Serving {@code :predict} body into tensors, as {@code FillPredictRequestFromJson}
 * does: {@code signature_name} (optional), then either {@code instances} (row format: a list of
 * values, or of objects with one key per input) or {@code inputs} (columnar: one value, or an
 * object with one key per input), never both. mlj's extension {@code mlj_layers} lists layers whose
 * outputs to return as well. A pure function of its arguments (fuzzed); thread-safe.
 */
public final class PredictRequestDecoder {
    /** The signature TF Serving runs when the request names none. */
    public static final String DEFAULT_SIGNATURE = Signature.DEFAULT_NAME;

    private PredictRequestDecoder() {
    }

    /**
     * Decodes a body.
     *
     * @param body the request body
     * @param signatures the model's signature by name ("" for the default); throws a 400 for an unknown name
     * @throws ServingException 400 naming what is wrong and what was expected
     */
    public static PredictRequest decode(byte[] body, Function<String, Signature> signatures) {
        JsonNode document = JsonBodies.parseObject(body);
        String signatureName = signatureName(document);
        Signature signature = signatures.apply(signatureName);
        List<String> layers = layers(document);
        JsonNode instances = document.get("instances");
        JsonNode inputs = document.get("inputs");
        if (instances != null && inputs != null) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document)
                    + " Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
        }
        if (instances != null) {
            if (!instances.isArray()) {
                throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document) + " Expecting 'instances' to be an list/array");
            }
            if (instances.isEmpty()) {
                throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document) + " No values in 'instances' array");
            }
            return new PredictRequest(signature.name(), rows(instances, signature), true, layers);
        }
        if (inputs != null) {
            return new PredictRequest(signature.name(), columns(inputs, signature), false, layers);
        }
        throw ServingException.invalid("Missing 'inputs' or 'instances' key");
    }

    /** The {@code signature_name}, or "" when absent. */
    static String signatureName(JsonNode document) {
        JsonNode name = document.get("signature_name");
        if (name == null) {
            return "";
        }
        if (!name.isTextual()) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(document)
                    + " not formatted correctly. 'signature_name' key must be a string value.");
        }
        return name.textValue();
    }

    private static List<String> layers(JsonNode document) {
        JsonNode layers = document.get("mlj_layers");
        if (layers == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (layers.isArray()) {
            for (JsonNode layer : layers) {
                if (!layer.isTextual()) {
                    throw ServingException.invalid("'mlj_layers' must be a list of layer names (strings), got " + JsonBodies.debug(layers));
                }
                names.add(layer.textValue());
            }
            return names;
        }
        throw ServingException.invalid("'mlj_layers' must be a list of layer names (strings), got " + JsonBodies.debug(layers));
    }

    private static boolean isObject(JsonNode value) {
        return value.isObject() && !TensorJson.isBase64(value);
    }

    private static Map<String, Tensor> rows(JsonNode instances, Signature signature) {
        List<TensorSpec> required = signature.requiredInputs();
        boolean objects = isObject(instances.get(0));
        if (!objects && required.size() > 1) {
            throw ServingException.invalid("instances is a plain list, but expecting list of objects as multiple input tensors "
                    + "required as per tensorinfo_map " + signature.inputNames());
        }
        if (!objects) {
            TensorSpec spec = required.isEmpty() ? signature.inputs().get(0) : required.get(0);
            List<JsonNode> values = new ArrayList<>();
            int index = 0;
            for (JsonNode element : instances) {
                if (isObject(element)) {
                    throw ServingException.invalid("Expecting value/list but got object at item " + index + " of input list");
                }
                values.add(element);
                index++;
            }
            return Map.of(spec.name(), TensorJson.readStacked(values, spec.dtype(),
                    i -> "Failed to process element: " + i + " of 'instances' list. Error: "));
        }
        Set<String> requiredNames = new TreeSet<>();
        required.forEach(spec -> requiredNames.add(spec.name()));
        Map<String, List<JsonNode>> columns = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode element : instances) {
            if (!isObject(element)) {
                throw ServingException.invalid("Expecting object but got list at item " + index + " of input list");
            }
            Set<String> keys = new TreeSet<>();
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) element::fields) {
                String name = field.getKey();
                if (signature.input(name).isEmpty()) {
                    throw ServingException.invalid("Failed to process element: " + index + " key: " + name
                            + " of 'instances' list. Error: JSON object: does not have named input: " + name
                            + " (the signature's inputs are " + signature.inputNames() + ")");
                }
                keys.add(name);
                columns.computeIfAbsent(name, k -> new ArrayList<>()).add(field.getValue());
            }
            if (!keys.containsAll(requiredNames) || (index > 0 && !keys.equals(firstKeys(instances)))) {
                throw ServingException.invalid("Failed to process element: " + index + " of 'instances' list. JSON object: "
                        + JsonBodies.debug(element) + " keys must be equal to: " + String.join(",", requiredNames));
            }
            index++;
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, List<JsonNode>> column : columns.entrySet()) {
            TensorSpec spec = signature.input(column.getKey()).orElseThrow();
            tensors.put(spec.name(), TensorJson.readStacked(column.getValue(), spec.dtype(),
                    i -> "Failed to process element: " + i + " key: " + spec.name() + " of 'instances' list. Error: "));
        }
        return tensors;
    }

    private static Set<String> firstKeys(JsonNode instances) {
        Set<String> keys = new TreeSet<>();
        instances.get(0).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static Map<String, Tensor> columns(JsonNode inputs, Signature signature) {
        List<TensorSpec> required = signature.requiredInputs();
        if (!isObject(inputs)) {
            if (required.size() > 1) {
                throw ServingException.invalid("inputs is a plain value/list, but expecting an object as multiple input tensors "
                        + "required as per tensorinfo_map " + signature.inputNames());
            }
            TensorSpec spec = required.isEmpty() ? signature.inputs().get(0) : required.get(0);
            return Map.of(spec.name(), TensorJson.read(inputs, spec.dtype()));
        }
        for (TensorSpec spec : required) {
            if (!inputs.has(spec.name())) {
                throw ServingException.invalid("Missing named input: " + spec.name() + " in 'inputs' object.");
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) inputs::fields) {
            TensorSpec spec = signature.input(field.getKey()).orElseThrow(() -> ServingException.invalid(
                    "JSON object: does not have named input: " + field.getKey() + " (the signature's inputs are "
                            + signature.inputNames() + ")"));
            tensors.put(spec.name(), TensorJson.read(field.getValue(), spec.dtype()));
        }
        return tensors;
    }
}
