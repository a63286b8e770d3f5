package org.mlj.serving.web;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ModelServer;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.repository.ModelRepository;
import org.mlj.serving.repository.ModelVersion;
import org.mlj.serving.repository.ServedModel;

/**
 * {@code GET /web/models}: what {@code ./mlj inspect} shows, for every served model: every version
 * with its state (and load error), and for the newest version in service its backend, format,
 * signatures, layers, whether it serves layer outputs, the try-it kind ({@code image}, {@code text},
 * {@code other}), labels and whether it has a TensorSpace export. Thread-safe.
 */
final class ModelOverview {
    private final ModelRepository repository;
    private final Preparations preparations;

    ModelOverview(ModelRepository repository, Preparations preparations) {
        this.repository = repository;
        this.preparations = preparations;
    }

    byte[] json() {
        List<ServedModel> models = repository.models();
        return JsonBodies.write(json -> {
            json.writeStartObject();
            json.writeStringField("server", "mlj serve " + ModelServer.VERSION);
            json.writeFieldName("models");
            json.writeStartArray();
            for (ServedModel model : models) {
                writeModel(json, model);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void writeModel(JsonGenerator json, ServedModel served) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", served.name());
        json.writeFieldName("versions");
        json.writeStartArray();
        for (ModelVersion version : served.versions()) {
            json.writeStartObject();
            json.writeNumberField("version", version.number());
            json.writeStringField("state", version.state().name());
            json.writeBooleanField("in_service", served.serving().containsKey(version.number()));
            if (version.error().isPresent()) {
                json.writeStringField("error", version.error().get());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        ModelVersion version;
        try {
            version = served.acquire(OptionalLong.empty());
        } catch (ServingException e) {
            json.writeStringField("unavailable", "no version in service");
            json.writeEndObject();
            return;
        }
        try {
            writeServing(json, version);
        } finally {
            version.release();
        }
        json.writeEndObject();
    }

    private void writeServing(JsonGenerator json, ModelVersion version) throws IOException {
        Model model = version.model();
        BundleInputs inputs = preparations.of(version);
        json.writeNumberField("serving_version", version.number());
        json.writeStringField("backend", model.backend());
        json.writeStringField("format", model.format().description());
        json.writeStringField("description", model.bundle().map(b -> b.description()).orElse(""));
        json.writeStringField("kind", inputs.kind().id());
        if (!inputs.note().isEmpty()) {
            json.writeStringField("kind_note", inputs.note());
        }
        json.writeFieldName("labels");
        json.writeStartArray();
        for (String label : inputs.labels()) {
            json.writeString(label);
        }
        json.writeEndArray();
        json.writeBooleanField("tensorspace", inputs.tensorspace().isPresent());
        json.writeBooleanField("layer_outputs", model.supportsLayerOutputs());
        if (!model.supportsLayerOutputs()) {
            json.writeStringField("layer_outputs_unavailable", model.layerOutputsUnsupportedReason().orElse(""));
        }
        json.writeFieldName("signatures");
        json.writeStartArray();
        for (Signature signature : model.signatures()) {
            json.writeStartObject();
            json.writeStringField("name", signature.name());
            writeSpecs(json, "inputs", signature.inputs());
            writeSpecs(json, "outputs", signature.outputs());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeFieldName("layers");
        json.writeStartArray();
        for (LayerInfo layer : model.layers()) {
            json.writeStartObject();
            json.writeStringField("name", layer.name());
            json.writeStringField("class", layer.className());
            json.writeStringField("dtype", String.valueOf(layer.dtype()));
            json.writeStringField("shape", String.valueOf(layer.outputShape()));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeFieldName("details");
        json.writeStartObject();
        for (Map.Entry<String, String> detail : model.details().entrySet()) {
            json.writeStringField(detail.getKey(), detail.getValue());
        }
        json.writeEndObject();
    }

    private static void writeSpecs(JsonGenerator json, String field, List<TensorSpec> specs) throws IOException {
        json.writeFieldName(field);
        json.writeStartArray();
        for (TensorSpec spec : specs) {
            json.writeStartObject();
            json.writeStringField("name", spec.name());
            json.writeStringField("dtype", String.valueOf(spec.dtype()));
            json.writeStringField("shape", String.valueOf(spec.shape()));
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
