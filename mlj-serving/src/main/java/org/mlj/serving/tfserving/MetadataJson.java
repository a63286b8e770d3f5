package org.mlj.serving.tfserving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.DType;
import org.mlj.api.Model;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.serving.proto.SavedModelSignatures;
import org.mlj.serving.proto.SavedModelSignatures.Definition;
import org.mlj.serving.proto.SavedModelSignatures.TensorInfo;
import org.mlj.serving.repository.ModelVersion;

/**
 * TF Serving's {@code GetModelMetadataResponse} in the JSON form its REST layer writes:
 * {@code model_spec {name, signature_name, version}} and {@code metadata.signature_def.signature_def}
 * with every signature's {@code inputs}/{@code outputs} ({@code dtype} such as {@code DT_FLOAT},
 * {@code tensor_shape {dim [{size, name}], unknown_rank}} with sizes as strings, graph tensor
 * {@code name}), {@code method_name} and {@code defaults}. For a SavedModel served by TensorFlow the
 * definitions are read from {@code saved_model.pb}, so they are byte-for-byte what TF Serving
 * reports; for a model loaded from Keras files by DL4J they are made from mlj's signatures (tensor
 * names are the input and output keys). Thread-safe.
 */
final class MetadataJson {
    private static final Map<DType, Integer> TF_DTYPES = Map.of(DType.FLOAT32, 1, DType.FLOAT64, 2, DType.INT32, 3, DType.UINT8, 4,
            DType.STRING, 7, DType.INT64, 9, DType.BOOL, 10);

    private MetadataJson() {
    }

    static void write(JsonGenerator json, String modelName, ModelVersion version) throws IOException {
        json.writeStartObject();
        json.writeFieldName("model_spec");
        json.writeStartObject();
        json.writeStringField("name", modelName);
        json.writeStringField("signature_name", "");
        json.writeStringField("version", Long.toString(version.number()));
        json.writeEndObject();
        json.writeFieldName("metadata");
        json.writeStartObject();
        json.writeFieldName("signature_def");
        json.writeStartObject();
        json.writeFieldName("signature_def");
        json.writeStartObject();
        for (Map.Entry<String, Definition> entry : definitions(version).entrySet()) {
            json.writeFieldName(entry.getKey());
            writeDefinition(json, entry.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
    }

    static Map<String, Definition> definitions(ModelVersion version) {
        if (version.savedModel().isPresent()) {
            return version.savedModel().get().signatures();
        }
        Model model = version.model();
        Map<String, Definition> made = new LinkedHashMap<>();
        for (Signature signature : model.signatures()) {
            made.put(signature.name(), new Definition(SavedModelSignatures.PREDICT_METHOD, infos(signature.inputs()), infos(signature.outputs())));
        }
        return made;
    }

    private static Map<String, TensorInfo> infos(List<TensorSpec> specs) {
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            List<Long> dims = spec.shape().isUnknownRank() ? List.of()
                    : java.util.Arrays.stream(spec.shape().dims()).boxed().toList();
            infos.put(spec.name(), new TensorInfo(spec.name(), TF_DTYPES.getOrDefault(spec.dtype(), 0), dims, spec.shape().isUnknownRank()));
        }
        return infos;
    }

    private static void writeDefinition(JsonGenerator json, Definition definition) throws IOException {
        json.writeStartObject();
        json.writeFieldName("inputs");
        writeInfos(json, definition.inputs());
        json.writeFieldName("outputs");
        writeInfos(json, definition.outputs());
        json.writeStringField("method_name", definition.methodName());
        json.writeFieldName("defaults");
        json.writeStartObject();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeInfos(JsonGenerator json, Map<String, TensorInfo> infos) throws IOException {
        json.writeStartObject();
        for (Map.Entry<String, TensorInfo> entry : infos.entrySet()) {
            TensorInfo info = entry.getValue();
            json.writeFieldName(entry.getKey());
            json.writeStartObject();
            json.writeStringField("dtype", info.dtypeName());
            json.writeFieldName("tensor_shape");
            json.writeStartObject();
            json.writeFieldName("dim");
            json.writeStartArray();
            for (long size : info.dims()) {
                json.writeStartObject();
                json.writeStringField("size", Long.toString(size));
                json.writeStringField("name", "");
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeBooleanField("unknown_rank", info.unknownRank());
            json.writeEndObject();
            json.writeStringField("name", info.name());
            json.writeEndObject();
        }
        json.writeEndObject();
    }
}
