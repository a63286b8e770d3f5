package org.mlj.serving.tfserving;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import org.mlj.serving.repository.ModelVersion;

/**
 * TF Serving's {@code GetModelStatusResponse} in its JSON form: {@code model_version_status}, one
 * entry per version with {@code version} (a string, as proto3 JSON writes int64), {@code state}
 * and {@code status {error_code, error_message}}. Thread-safe.
 */
final class StatusJson {
    private StatusJson() {
    }

    static void writeVersions(JsonGenerator json, List<ModelVersion> versions) throws IOException {
        json.writeFieldName("model_version_status");
        json.writeStartArray();
        for (ModelVersion version : versions) {
            json.writeStartObject();
            json.writeStringField("version", Long.toString(version.number()));
            json.writeStringField("state", version.state().name());
            json.writeFieldName("status");
            json.writeStartObject();
            json.writeStringField("error_code", version.error().isPresent() ? "UNKNOWN" : "OK");
            json.writeStringField("error_message", version.error().orElse(""));
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
