package org.mlj.serving.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.mlj.serving.ServingException;

/**
 * Request bodies in, response bodies out. Parsing accepts {@code NaN} and {@code Infinity} (as TF
 * Serving's rapidjson does) and keeps decimal numbers exact ({@code BigDecimal}) so float32
 * inputs are rounded once, from the decimal text. Parse errors become 400s that say where the
 * body broke. Thread-safe.
 */
public final class JsonBodies {
    /** The shared mapper; thread-safe once configured. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final int DEBUG_LENGTH = 100;

    private JsonBodies() {
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws ServingException 400 {@code JSON Parse error: ...} naming the offset, line and column, or
     *                          when the document is empty or not an object
     */
    public static JsonNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw ServingException.invalid("JSON Parse error: The document is empty");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at offset: " + Math.max(0, location.getByteOffset())
                    + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
            throw ServingException.invalid("JSON Parse error: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw ServingException.invalid("JSON Parse error: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ServingException.invalid("JSON Parse error: The document is empty");
        }
        if (!node.isObject()) {
            throw ServingException.invalid("JSON Value: " + debug(node) + " Is not object");
        }
        return node;
    }

    /** Compact JSON of a value, cut to 100 characters, for error messages. */
    public static String debug(JsonNode node) {
        String text = node.toString();
        return text.length() > DEBUG_LENGTH ? text.substring(0, DEBUG_LENGTH) + "..." : text;
    }

    /** The JSON type name TF Serving uses in errors: Null, False, True, Object, Array, String, Number. */
    public static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL, MISSING -> "Null";
            case BOOLEAN -> node.booleanValue() ? "True" : "False";
            case OBJECT, POJO -> "Object";
            case ARRAY -> "Array";
            case STRING, BINARY -> "String";
            case NUMBER -> "Number";
        };
    }

    /** Something that writes one JSON document. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the document. */
        void write(JsonGenerator json) throws IOException;
    }

    /** A response body written with a streaming generator. */
    public static byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            writer.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code {"error": message}}. */
    public static byte[] error(String message) {
        return write(json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        });
    }
}
