package org.mlj.serving.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlj.api.Model;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;
import org.mlj.serving.http.ApiRequest;
import org.mlj.serving.http.ApiResponse;
import org.mlj.serving.http.HttpApi;
import org.mlj.serving.inference.Inference;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.inference.InferenceResult;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;
import org.mlj.serving.repository.ModelRepository;
import org.mlj.serving.repository.ModelVersion;
import org.mlj.serving.repository.ServedModel;

/**
 * The Open Inference Protocol v2 REST API (KServe, Triton, Seldon clients):
 * {@code GET /v2}, {@code /v2/health/live}, {@code /v2/health/ready},
 * {@code GET /v2/models/{m}[/versions/{v}]} (metadata), {@code .../ready} and
 * {@code POST .../infer}. Models run their default signature. Errors are {@code {"error": "..."}}.
 * Thread-safe.
 */
public final class OipApi implements HttpApi {
    private static final Pattern MODEL = Pattern.compile("/v2/models/([^/]+)(?:/versions/([^/]+))?(?:/(ready|infer))?");

    private final ModelRepository repository;
    private final Inference inference;
    private final String serverVersion;

    /**
     * @param repository the models
     * @param inference runs the calls
     * @param serverVersion reported by {@code GET /v2}
     */
    public OipApi(ModelRepository repository, Inference inference, String serverVersion) {
        this.repository = repository;
        this.inference = inference;
        this.serverVersion = serverVersion;
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        if (!path.equals("/v2") && !path.startsWith("/v2/")) {
            return Optional.empty();
        }
        request.api("oip");
        String method = request.method();
        switch (path) {
            case "/v2" -> {
                requireGet(method, path);
                return Optional.of(ApiResponse.json(JsonBodies.write(json -> {
                    json.writeStartObject();
                    json.writeStringField("name", "mlj");
                    json.writeStringField("version", serverVersion);
                    json.writeArrayFieldStart("extensions");
                    json.writeString("mlj_layers");
                    json.writeEndArray();
                    json.writeEndObject();
                })));
            }
            case "/v2/health/live" -> {
                requireGet(method, path);
                return Optional.of(flag("live", true, 200));
            }
            case "/v2/health/ready" -> {
                requireGet(method, path);
                boolean ready = repository.allReady();
                return Optional.of(flag("ready", ready, ready ? 200 : 503));
            }
            default -> {
                // handled below
            }
        }
        Matcher matcher = MODEL.matcher(path);
        if (!matcher.matches()) {
            throw ServingException.notFound("No Open Inference Protocol route " + method + " " + path);
        }
        String name = matcher.group(1);
        String versionText = matcher.group(2);
        String action = matcher.group(3);
        request.target(name, versionText == null ? "" : versionText);
        ServedModel model = repository.model(name).orElseThrow(() -> ServingException.notFound("Unknown model '" + name
                + "'; the server has " + repository.models().stream().map(ServedModel::name).toList()));
        OptionalLong version = OptionalLong.empty();
        if (versionText != null) {
            try {
                version = OptionalLong.of(Long.parseLong(versionText));
            } catch (NumberFormatException e) {
                throw ServingException.invalid("Version '" + versionText + "' is not a number");
            }
        }
        if ("infer".equals(action)) {
            if (!method.equals("POST")) {
                throw new ServingException(ErrorCode.METHOD_NOT_ALLOWED, "infer takes POST, not " + method);
            }
            return Optional.of(infer(request, model, version));
        }
        requireGet(method, path);
        if ("ready".equals(action)) {
            boolean ready = version.isPresent() ? model.serving().containsKey(version.getAsLong()) : model.isReady();
            return Optional.of(ApiResponse.json(ready ? 200 : 503, JsonBodies.write(json -> {
                json.writeStartObject();
                json.writeStringField("name", name);
                json.writeBooleanField("ready", ready);
                json.writeEndObject();
            })));
        }
        ModelVersion acquired = acquire(model, version);
        try {
            request.target(name, Long.toString(acquired.number()));
            return Optional.of(ApiResponse.json(metadata(model, acquired)));
        } finally {
            acquired.release();
        }
    }

    private static ModelVersion acquire(ServedModel model, OptionalLong version) {
        try {
            return model.acquire(version);
        } catch (ServingException e) {
            throw ServingException.notFound("Model '" + model.name() + "'" + (version.isPresent() ? " version " + version.getAsLong() : "")
                    + " is not ready; versions in service: " + model.serving().keySet());
        }
    }

    private static void requireGet(String method, String path) {
        if (!method.equals("GET")) {
            throw new ServingException(ErrorCode.METHOD_NOT_ALLOWED, path + " takes GET, not " + method);
        }
    }

    private static ApiResponse flag(String key, boolean value, int status) {
        return ApiResponse.json(status, JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeBooleanField(key, value);
            json.writeEndObject();
        }));
    }

    private static byte[] metadata(ServedModel model, ModelVersion version) {
        Model loaded = version.model();
        Signature signature = loaded.signature();
        List<String> versions = model.serving().keySet().stream().map(String::valueOf).toList();
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeStringField("name", model.name());
            json.writeArrayFieldStart("versions");
            for (String v : versions) {
                json.writeString(v);
            }
            json.writeEndArray();
            json.writeStringField("platform", version.savedModel().isPresent() ? "tensorflow_savedmodel" : "mlj_" + loaded.backend());
            json.writeFieldName("inputs");
            writeSpecs(json, signature.inputs());
            json.writeFieldName("outputs");
            writeSpecs(json, signature.outputs());
            json.writeEndObject();
        });
    }

    private static void writeSpecs(JsonGenerator json, List<TensorSpec> specs) throws IOException {
        json.writeStartArray();
        for (TensorSpec spec : specs) {
            json.writeStartObject();
            json.writeStringField("name", spec.name());
            json.writeStringField("datatype", OipDatatype.of(spec.dtype()).name());
            json.writeArrayFieldStart("shape");
            if (!spec.shape().isUnknownRank()) {
                for (long dim : spec.shape().dims()) {
                    json.writeNumber(dim);
                }
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private ApiResponse infer(ApiRequest request, ServedModel model, OptionalLong version) {
        ModelVersion acquired = acquire(model, version);
        boolean handedOver = false;
        try {
            request.target(model.name(), Long.toString(acquired.number()));
            Model loaded = acquired.model();
            Signature signature = loaded.signature();
            InferRequest decoded = InferRequestDecoder.decode(request.body(), signature);
            if (!decoded.layers().isEmpty() && !loaded.supportsLayerOutputs()) {
                throw new ServingException(ErrorCode.FAILED_PRECONDITION, "This model cannot serve layer outputs (mlj_layers): "
                        + loaded.layerOutputsUnsupportedReason().orElse("the backend does not support them"));
            }
            handedOver = true;
            InferenceResult result = inference.run(new InferenceCall(acquired, signature.name(), decoded.inputs(), decoded.layers()));
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            if (decoded.outputs().isEmpty()) {
                outputs.putAll(result.outputs());
            } else {
                decoded.outputs().forEach(name -> outputs.put(name, result.outputs().get(name)));
            }
            long number = acquired.number();
            return ApiResponse.json(JsonBodies.write(json -> {
                json.writeStartObject();
                json.writeStringField("model_name", model.name());
                json.writeStringField("model_version", Long.toString(number));
                if (decoded.id() != null) {
                    json.writeStringField("id", decoded.id());
                }
                json.writeArrayFieldStart("outputs");
                for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
                    writeTensor(json, output.getKey(), output.getValue(), false);
                }
                for (Map.Entry<String, Tensor> layer : result.layers().entrySet()) {
                    writeTensor(json, layer.getKey(), layer.getValue(), true);
                }
                json.writeEndArray();
                json.writeEndObject();
            }));
        } finally {
            if (!handedOver) {
                acquired.release();
            }
        }
    }

    private static void writeTensor(JsonGenerator json, String name, Tensor tensor, boolean layer) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", name);
        json.writeStringField("datatype", OipDatatype.of(tensor.dtype()).name());
        json.writeArrayFieldStart("shape");
        for (long dim : tensor.shape().dims()) {
            json.writeNumber(dim);
        }
        json.writeEndArray();
        if (layer) {
            json.writeObjectFieldStart("parameters");
            json.writeBooleanField("mlj_layer", true);
            json.writeEndObject();
        }
        json.writeFieldName("data");
        TensorJson.writeFlat(json, tensor, false);
        json.writeEndObject();
    }
}
