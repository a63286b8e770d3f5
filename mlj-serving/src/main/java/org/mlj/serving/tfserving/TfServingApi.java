package org.mlj.serving.tfserving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlj.api.DType;
import org.mlj.api.Model;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;
import org.mlj.serving.http.ApiRequest;
import org.mlj.serving.http.ApiResponse;
import org.mlj.serving.http.HttpApi;
import org.mlj.serving.inference.Inference;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.inference.InferenceResult;
import org.mlj.serving.json.FloatText;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.proto.SavedModelSignatures;
import org.mlj.serving.proto.SavedModelSignatures.Definition;
import org.mlj.serving.repository.ModelRepository;
import org.mlj.serving.repository.ModelVersion;
import org.mlj.serving.repository.ServedModel;

/**
 * TensorFlow Serving's REST API ({@code g3doc/api_rest.md}), with its paths, JSON and status codes:
 * <ul>
 *   <li>{@code POST /v1/models/{m}[/versions/{v}|/labels/{l}]:predict|:classify|:regress}</li>
 *   <li>{@code GET /v1/models/{m}[/versions/{v}|/labels/{l}]} (status) and {@code .../metadata}</li>
 *   <li>mlj's extension {@code GET /v1/models}: every model with its version status (TF Serving
 *       answers 400 "Missing model name in request.")</li>
 * </ul>
 * Any other path under {@code /v1/} is a 400 "Malformed request", as in TF Serving. Thread-safe.
 */
public final class TfServingApi implements HttpApi {
    private static final Pattern PREDICTION = Pattern.compile(
            "(?i)/v1/models/([^/:]+)(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)");
    private static final Pattern STATUS = Pattern.compile(
            "(?i)/v1/models(?:/([^/:]+))?(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?");

    private final ModelRepository repository;
    private final Inference inference;

    /** Serves the models of {@code repository} through {@code inference}. */
    public TfServingApi(ModelRepository repository, Inference inference) {
        this.repository = repository;
        this.inference = inference;
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        if (!path.regionMatches(true, 0, "/v1/", 0, 4) && !path.equalsIgnoreCase("/v1/models")) {
            return Optional.empty();
        }
        request.api("tfserving");
        if (request.method().equals("POST")) {
            Matcher matcher = PREDICTION.matcher(path);
            if (matcher.matches()) {
                return Optional.of(ApiResponse.json(predictionCall(request, matcher)));
            }
        } else if (request.method().equals("GET")) {
            Matcher matcher = STATUS.matcher(path);
            if (matcher.matches()) {
                return Optional.of(ApiResponse.json(statusCall(request, matcher)));
            }
        }
        throw ServingException.invalid("Malformed request: " + request.method() + " " + path);
    }

    // ------------------------------------------------------------------------------ routing helpers

    private record Target(ServedModel model, OptionalLong version) {
    }

    private Target target(ApiRequest request, String name, String version, String label) {
        if (version != null && label != null) {
            throw ServingException.invalid("Both model version (" + version + ") and model version label (" + label + ") cannot be supplied.");
        }
        request.target(name, version == null ? "" : version);
        ServedModel model = repository.model(name).orElseThrow(() -> ServingException.notFound(
                "Servable not found for request: " + (version == null ? "Latest(" + name + ")" : "Specific(" + name + ", " + version + ")")));
        OptionalLong number = OptionalLong.empty();
        if (version != null) {
            try {
                number = OptionalLong.of(Long.parseLong(version));
            } catch (NumberFormatException e) {
                throw ServingException.invalid("Failed to convert version: " + version + " to numeric.");
            }
        } else if (label != null) {
            number = OptionalLong.of(model.resolveLabel(label));
        }
        return new Target(model, number);
    }

    // ------------------------------------------------------------------------------ predict, classify, regress

    private byte[] predictionCall(ApiRequest request, Matcher matcher) {
        Target target = target(request, matcher.group(1), matcher.group(2), matcher.group(3));
        String method = matcher.group(4).toLowerCase(java.util.Locale.ROOT);
        ModelVersion version = target.model().acquire(target.version());
        boolean handedOver = false;
        try {
            request.target(target.model().name(), Long.toString(version.number()));
            if (method.equals("predict")) {
                PredictRequest decoded = PredictRequestDecoder.decode(request.body(), name -> signature(version.model(), name));
                checkLayers(version.model(), decoded);
                handedOver = true;
                InferenceResult result = inference.run(new InferenceCall(version, decoded.signatureName(), decoded.inputs(), decoded.layers()));
                return PredictResponseEncoder.encode(result.outputs(), result.layers(), decoded.rowFormat());
            }
            ExampleRequest decoded = ExampleRequestDecoder.decode(request.body(), method);
            String signatureName = decoded.signatureName().isEmpty() ? PredictRequestDecoder.DEFAULT_SIGNATURE : decoded.signatureName();
            String expectedMethod = method.equals("classify") ? SavedModelSignatures.CLASSIFY_METHOD : SavedModelSignatures.REGRESS_METHOD;
            checkExampleSignature(target.model().name(), version, signatureName, method, expectedMethod);
            Signature signature = signature(version.model(), signatureName);
            Tensor examples = Tensor.ofByteStrings(decoded.examples().toArray(new byte[0][]), decoded.examples().size());
            String inputName = signature.inputs().stream().filter(spec -> spec.dtype() == DType.STRING).findFirst()
                    .orElseThrow(() -> ServingException.invalid("Signature '" + signatureName + "' has no string input for serialized tf.Examples"))
                    .name();
            handedOver = true;
            InferenceResult result = inference.run(new InferenceCall(version, signatureName, Map.of(inputName, examples), List.of()));
            return method.equals("classify") ? classification(result.outputs()) : regression(result.outputs());
        } finally {
            if (!handedOver) {
                version.release();
            }
        }
    }

    private static Signature signature(Model model, String name) {
        String wanted = name.isEmpty() ? PredictRequestDecoder.DEFAULT_SIGNATURE : name;
        for (Signature signature : model.signatures()) {
            if (signature.name().equals(wanted)) {
                return signature;
            }
        }
        if (name.isEmpty()) {
            return model.signature(); // a model without serving_default (e.g. Keras files): its default signature
        }
        throw ServingException.invalid("Serving signature name: \"" + wanted + "\" not found in signature def; the model has "
                + model.signatures().stream().map(Signature::name).toList());
    }

    private static void checkLayers(Model model, PredictRequest request) {
        if (request.layers().isEmpty()) {
            return;
        }
        if (!model.supportsLayerOutputs()) {
            throw new ServingException(ErrorCode.FAILED_PRECONDITION, "This model cannot serve layer outputs (mlj_layers): "
                    + model.layerOutputsUnsupportedReason().orElse("the backend does not support them"));
        }
        if (!request.signatureName().equals(model.signature().name())) {
            throw ServingException.invalid("Layer outputs (mlj_layers) are served for the default signature '"
                    + model.signature().name() + "' only, not '" + request.signatureName() + "'");
        }
    }

    private static void checkExampleSignature(String modelName, ModelVersion version, String signatureName, String method,
                                              String expectedMethod) {
        Optional<SavedModelSignatures> savedModel = version.savedModel();
        if (savedModel.isEmpty()) {
            throw new ServingException(ErrorCode.FAILED_PRECONDITION, "Model " + modelName + " version " + version.number()
                    + " was loaded from " + version.model().format().description() + " by the " + version.model().backend()
                    + " backend and has no SavedModel signatures: :" + method + " needs a SavedModel signature with method_name "
                    + expectedMethod + " reading serialized tf.Examples (TF1/Estimator exports have them)");
        }
        Definition definition = savedModel.get().get(signatureName).orElseThrow(() -> ServingException.invalid(
                "Serving signature name: \"" + signatureName + "\" not found in signature def; the model has "
                        + savedModel.get().signatures().keySet()));
        if (!definition.methodName().equals(expectedMethod)) {
            throw ServingException.invalid("Expected " + (method.equals("classify") ? "classification" : "regression")
                    + " signature method_name to be " + expectedMethod + ". Was: " + definition.methodName()
                    + " (signature '" + signatureName + "'; name a " + method + " signature with \"signature_name\")");
        }
    }

    private static byte[] classification(Map<String, Tensor> outputs) {
        Tensor classes = outputs.get("classes");
        Tensor scores = outputs.get("scores");
        if (classes == null && scores == null) {
            throw new ServingException(ErrorCode.INTERNAL, "Classification signature has neither 'classes' nor 'scores' output");
        }
        Tensor reference = scores != null ? scores : classes;
        long rows = reference.shape().dim(0);
        long perRow = reference.shape().rank() > 1 ? reference.shape().dim(1) : 1;
        String[] labels = classes == null ? null : classes.toStringArray();
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeFieldName("results");
            json.writeStartArray();
            for (long row = 0; row < rows; row++) {
                json.writeStartArray();
                for (long k = 0; k < perRow; k++) {
                    int index = (int) (row * perRow + k);
                    json.writeStartArray();
                    json.writeString(labels == null ? "" : labels[index]);
                    json.writeNumber(FloatText.format(scores == null ? 0f : (float) scores.getAsDouble(index)));
                    json.writeEndArray();
                }
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private static byte[] regression(Map<String, Tensor> outputs) {
        Tensor values = outputs.get("outputs");
        if (values == null) {
            throw new ServingException(ErrorCode.INTERNAL, "Regression signature has no 'outputs' output; it has " + outputs.keySet());
        }
        if (values.shape().rank() > 2 || (values.shape().rank() == 2 && values.shape().dim(1) != 1)) {
            throw ServingException.invalid("Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got "
                    + values.shape());
        }
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeFieldName("results");
            json.writeStartArray();
            long size = values.shape().size();
            for (long i = 0; i < size; i++) {
                json.writeNumber(FloatText.format((float) values.getAsDouble(i)));
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    // ------------------------------------------------------------------------------ status, metadata, listing

    private byte[] statusCall(ApiRequest request, Matcher matcher) {
        String name = matcher.group(1);
        boolean metadata = matcher.group(4) != null;
        if (name == null) {
            if (metadata || matcher.group(2) != null || matcher.group(3) != null) {
                throw ServingException.invalid("Missing model name in request.");
            }
            return listing();
        }
        Target target = target(request, name, matcher.group(2), matcher.group(3));
        if (metadata) {
            ModelVersion version = target.model().acquire(target.version());
            try {
                request.target(name, Long.toString(version.number()));
                return JsonBodies.write(json -> MetadataJson.write(json, name, version));
            } finally {
                version.release();
            }
        }
        List<ModelVersion> versions = target.model().versions();
        if (target.version().isPresent()) {
            long wanted = target.version().getAsLong();
            versions = versions.stream().filter(v -> v.number() == wanted).toList();
            if (versions.isEmpty()) {
                throw ServingException.notFound("Could not find version " + wanted + " of model " + name);
            }
        } else if (versions.isEmpty()) {
            throw ServingException.notFound("Could not find any versions of model " + name);
        }
        List<ModelVersion> shown = versions;
        return JsonBodies.write(json -> {
            json.writeStartObject();
            StatusJson.writeVersions(json, shown);
            json.writeEndObject();
        });
    }

    private byte[] listing() {
        Map<String, List<ModelVersion>> models = new LinkedHashMap<>();
        repository.models().forEach(model -> models.put(model.name(), model.versions()));
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeFieldName("models");
            json.writeStartArray();
            for (Map.Entry<String, List<ModelVersion>> model : models.entrySet()) {
                json.writeStartObject();
                json.writeStringField("name", model.getKey());
                StatusJson.writeVersions(json, model.getValue());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }
}
