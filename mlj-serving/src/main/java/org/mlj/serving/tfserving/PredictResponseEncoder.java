package org.mlj.serving.tfserving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
import org.mlj.api.DType;
import org.mlj.api.Tensor;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.mlj.serving.json.TensorJson;

/**
 * Writes a TF Serving {@code :predict} response as {@code MakeJsonFromTensors} does: row format
 * {@code {"predictions": [...]}} with one entry per batch row (an object keyed by output name when
 * there are several outputs, the bare value when there is one), columnar format
 * {@code {"outputs": ...}} (an object when several, the bare tensor when one). String outputs whose
 * name ends in {@code _bytes} are written as {@code {"b64": ...}}. mlj adds
 * {@code "mlj_layer_outputs": {layer: tensor}} when layers were asked for. Thread-safe.
 */
public final class PredictResponseEncoder {
    private PredictResponseEncoder() {
    }

    /**
     * Encodes outputs (in signature order) and layer outputs.
     *
     * @throws ServingException 400 when, in row format, outputs disagree on the batch size
     */
    public static byte[] encode(Map<String, Tensor> outputs, Map<String, Tensor> layers, boolean rowFormat) {
        if (outputs.isEmpty()) {
            throw ServingException.invalid("Cannot convert empty tensor map to JSON");
        }
        long batch = -1;
        if (rowFormat) {
            for (Map.Entry<String, Tensor> entry : outputs.entrySet()) {
                Tensor tensor = entry.getValue();
                if (tensor.shape().rank() == 0) {
                    throw ServingException.invalid("Tensor name: " + entry.getKey() + " has no shape information ");
                }
                long rows = tensor.shape().dim(0);
                if (batch >= 0 && batch != rows) {
                    throw ServingException.invalid("Tensor name: " + entry.getKey() + " has inconsistent batch size: " + rows
                            + " expecting: " + batch);
                }
                batch = rows;
            }
        }
        long rows = batch;
        return JsonBodies.write(json -> {
            json.writeStartObject();
            if (rowFormat) {
                writeRows(json, outputs, rows);
            } else {
                json.writeFieldName("outputs");
                writeColumns(json, outputs);
            }
            if (!layers.isEmpty()) {
                json.writeFieldName("mlj_layer_outputs");
                json.writeStartObject();
                for (Map.Entry<String, Tensor> layer : layers.entrySet()) {
                    json.writeFieldName(layer.getKey());
                    TensorJson.write(json, layer.getValue(), 0, 0, false);
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        });
    }

    private static void writeRows(JsonGenerator json, Map<String, Tensor> outputs, long rows) throws IOException {
        json.writeFieldName("predictions");
        json.writeStartArray();
        boolean objects = outputs.size() > 1;
        Map<String, long[]> offsets = new java.util.HashMap<>();
        outputs.keySet().forEach(name -> offsets.put(name, new long[1]));
        for (long row = 0; row < rows; row++) {
            if (objects) {
                json.writeStartObject();
            }
            for (Map.Entry<String, Tensor> entry : outputs.entrySet()) {
                if (objects) {
                    json.writeFieldName(entry.getKey());
                }
                long[] offset = offsets.get(entry.getKey());
                offset[0] = TensorJson.write(json, entry.getValue(), 1, offset[0], isBytes(entry.getKey(), entry.getValue()));
            }
            if (objects) {
                json.writeEndObject();
            }
        }
        json.writeEndArray();
    }

    private static void writeColumns(JsonGenerator json, Map<String, Tensor> outputs) throws IOException {
        boolean objects = outputs.size() > 1;
        if (objects) {
            json.writeStartObject();
        }
        for (Map.Entry<String, Tensor> entry : outputs.entrySet()) {
            if (objects) {
                json.writeFieldName(entry.getKey());
            }
            TensorJson.write(json, entry.getValue(), 0, 0, isBytes(entry.getKey(), entry.getValue()));
        }
        if (objects) {
            json.writeEndObject();
        }
    }

    private static boolean isBytes(String name, Tensor tensor) {
        return tensor.dtype() == DType.STRING && name.endsWith("_bytes");
    }
}
