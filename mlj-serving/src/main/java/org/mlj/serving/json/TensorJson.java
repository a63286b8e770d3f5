package org.mlj.serving.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.mlj.api.DType;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.mlj.serving.ServingException;

/**
 * Tensors to and from JSON values as TF Serving's {@code json_tensor.cc} reads and writes them:
 * nested lists whose depth is the rank (a bare value is a scalar), every list at a level of the same
 * size, leaves checked against the dtype ({@code {"b64": "..."}} for bytes). Pure functions of
 * their arguments; thread-safe.
 */
public final class TensorJson {
    private TensorJson() {
    }

    /** TensorFlow's name for a dtype in error messages ({@code float}, {@code double}, {@code int32}...). */
    public static String tfName(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            default -> dtype.pythonName();
        };
    }

    /** The dense shape of a JSON value, following the first element at each level. */
    public static long[] shapeOf(JsonNode value) {
        List<Long> dims = new ArrayList<>();
        JsonNode node = value;
        while (node.isArray()) {
            dims.add((long) node.size());
            if (node.isEmpty()) {
                break;
            }
            node = node.get(0);
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * One JSON value as a tensor.
     *
     * @throws ServingException 400 naming the value, its level or type and what was expected
     */
    public static Tensor read(JsonNode value, DType dtype) {
        long[] shape = shapeOf(value);
        Values values = new Values(dtype);
        fill(value, 0, shape, values);
        return values.build(shape);
    }

    /**
     * Row format: one JSON value per instance, stacked into one tensor with the instances as the
     * first dimension. Every instance must have the shape of the first.
     *
     * @param instances the values, one per instance
     * @param describe how to name instance {@code i} in errors
     */
    public static Tensor readStacked(List<JsonNode> instances, DType dtype, java.util.function.IntFunction<String> describe) {
        Values values = new Values(dtype);
        long[] first = null;
        for (int i = 0; i < instances.size(); i++) {
            JsonNode instance = instances.get(i);
            long[] shape = shapeOf(instance);
            try {
                if (first != null && !java.util.Arrays.equals(first, shape)) {
                    throw ServingException.invalid("Expecting shape " + Shape.of(first) + " but got: " + Shape.of(shape));
                }
                fill(instance, 0, shape, values);
            } catch (ServingException e) {
                throw ServingException.invalid(describe.apply(i) + e.getMessage());
            }
            first = shape;
        }
        long[] shape = new long[first.length + 1];
        shape[0] = instances.size();
        System.arraycopy(first, 0, shape, 1, first.length);
        return values.build(shape);
    }

    private static void fill(JsonNode value, int level, long[] shape, Values values) {
        int rank = shape.length;
        if (!value.isArray()) {
            if (level != rank) {
                throw ServingException.invalid("JSON Value: " + JsonBodies.debug(value) + " found at incorrect level: " + (level + 1)
                        + " in the JSON DOM. Expected at level: " + rank);
            }
            values.add(value);
            return;
        }
        if (level >= rank) {
            throw ServingException.invalid("Encountered list at unexpected level: " + level + " expected < " + rank);
        }
        if (value.size() != shape[level]) {
            throw ServingException.invalid("Encountered list at unexpected size: " + value.size() + " at level: " + level
                    + " expected size: " + shape[level]);
        }
        for (JsonNode element : value) {
            fill(element, level + 1, shape, values);
        }
    }

    /** Whether a value is {@code {"b64": "<string>"}} and nothing else. */
    public static boolean isBase64(JsonNode value) {
        return value.isObject() && value.size() == 1 && value.has("b64") && value.get("b64").isTextual();
    }

    /**
     * Decodes {@code {"b64": "..."}} (standard alphabet, padding optional).
     *
     * @throws ServingException 400 when the value is not such an object or not base64
     */
    public static byte[] decodeBase64(JsonNode value) {
        if (!isBase64(value)) {
            throw ServingException.invalid("JSON Value: " + JsonBodies.debug(value) + " not formatted correctly for base64 data");
        }
        String text = value.get("b64").textValue();
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            try {
                return Base64.getDecoder().decode(text + "=".repeat((4 - text.length() % 4) % 4));
            } catch (IllegalArgumentException again) {
                throw ServingException.invalid("Unable to base64 decode");
            }
        }
    }

    static ServingException typeError(JsonNode value, DType dtype) {
        return ServingException.invalid("JSON Value: " + JsonBodies.debug(value) + " Type: " + JsonBodies.typeName(value)
                + " is not of expected type: " + tfName(dtype));
    }

    /** Leaves of one dtype, gathered in row-major order. */
    private static final class Values {
        private final DType dtype;
        private ByteBuffer bytes;
        private final List<byte[]> strings = new ArrayList<>();

        Values(DType dtype) {
            this.dtype = dtype;
            this.bytes = dtype.isFixedSize() ? ByteBuffer.allocate(64 * dtype.byteSize()).order(ByteOrder.nativeOrder()) : null;
        }

        void add(JsonNode value) {
            if (dtype == DType.STRING) {
                if (value.isTextual()) {
                    strings.add(value.textValue().getBytes(StandardCharsets.UTF_8));
                } else if (value.isObject()) {
                    strings.add(decodeBase64(value));
                } else {
                    throw typeError(value, dtype);
                }
                return;
            }
            if (!value.isValueNode() || value.isNull()) {
                throw typeError(value, dtype);
            }
            ensure(dtype.byteSize());
            switch (dtype) {
                case FLOAT32 -> {
                    requireNumber(value);
                    bytes.putFloat(value.isDouble() ? (float) value.doubleValue() : Float.parseFloat(value.asText()));
                }
                case FLOAT64 -> {
                    requireNumber(value);
                    bytes.putDouble(value.isDouble() ? value.doubleValue() : Double.parseDouble(value.asText()));
                }
                case INT32 -> {
                    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                        throw typeError(value, dtype);
                    }
                    bytes.putInt(value.intValue());
                }
                case INT64 -> {
                    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                        throw typeError(value, dtype);
                    }
                    bytes.putLong(value.longValue());
                }
                case UINT8 -> {
                    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0 || value.intValue() > 255) {
                        throw typeError(value, dtype);
                    }
                    bytes.put((byte) value.intValue());
                }
                case BOOL -> {
                    if (!value.isBoolean()) {
                        throw typeError(value, dtype);
                    }
                    bytes.put(value.booleanValue() ? (byte) 1 : (byte) 0);
                }
                default -> throw new IllegalStateException("Unexpected dtype " + dtype);
            }
        }

        private void requireNumber(JsonNode value) {
            if (!value.isNumber()) {
                throw typeError(value, dtype);
            }
        }

        private void ensure(int more) {
            if (bytes.remaining() < more) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(bytes.capacity() * 2, bytes.position() + more)).order(ByteOrder.nativeOrder());
                bytes.flip();
                larger.put(bytes);
                bytes = larger;
            }
        }

        Tensor build(long[] shape) {
            Shape s = Shape.of(shape);
            if (dtype == DType.STRING) {
                return Tensor.ofByteStrings(strings.toArray(new byte[0][]), shape.length == 0 ? new long[] {1} : shape)
                        .reshape(shape);
            }
            bytes.flip();
            return Tensor.of(dtype, s, bytes);
        }
    }

    // ------------------------------------------------------------------------------------ writing

    /**
     * Writes a tensor as nested lists from dimension {@code fromDim}, starting at flat element
     * {@code offset}; returns the offset after the last element written.
     *
     * @param base64 write strings as {@code {"b64": ...}} (TF Serving does for outputs named {@code *_bytes})
     */
    public static long write(JsonGenerator json, Tensor tensor, int fromDim, long offset, boolean base64) throws IOException {
        return new Elements(tensor, base64).writeLevel(json, fromDim, offset);
    }

    /** Writes the elements of a tensor as one flat list (OIP's {@code data}). */
    public static void writeFlat(JsonGenerator json, Tensor tensor, boolean base64) throws IOException {
        Elements elements = new Elements(tensor, base64);
        json.writeStartArray();
        long size = tensor.shape().size();
        for (long i = 0; i < size; i++) {
            elements.writeElement(json, i);
        }
        json.writeEndArray();
    }

    /** Element access for writing, with the arrays a dtype needs extracted once. */
    private static final class Elements {
        private final Tensor tensor;
        private final long[] dims;
        private final boolean base64;
        private final byte[][] strings;
        private final long[] longs;

        Elements(Tensor tensor, boolean base64) {
            this.tensor = tensor;
            this.dims = tensor.shape().dims();
            this.base64 = base64;
            this.strings = tensor.dtype() == DType.STRING ? tensor.toByteStrings() : null;
            this.longs = tensor.dtype() == DType.INT64 ? tensor.toLongArray() : null;
        }

        long writeLevel(JsonGenerator json, int dim, long offset) throws IOException {
            if (dim >= dims.length) {
                writeElement(json, offset);
                return offset + 1;
            }
            json.writeStartArray();
            long next = offset;
            for (long i = 0; i < dims[dim]; i++) {
                next = writeLevel(json, dim + 1, next);
            }
            json.writeEndArray();
            return next;
        }

        void writeElement(JsonGenerator json, long index) throws IOException {
            switch (tensor.dtype()) {
                case FLOAT32 -> json.writeNumber(FloatText.format((float) tensor.getAsDouble(index)));
                case FLOAT64 -> json.writeNumber(FloatText.format(tensor.getAsDouble(index)));
                case INT32, UINT8 -> json.writeNumber((int) tensor.getAsDouble(index));
                case INT64 -> json.writeNumber(longs[(int) index]);
                case BOOL -> json.writeBoolean(tensor.getAsDouble(index) != 0);
                case STRING -> {
                    byte[] value = strings[(int) index];
                    if (base64) {
                        json.writeStartObject();
                        json.writeStringField("b64", Base64.getEncoder().encodeToString(value));
                        json.writeEndObject();
                    } else {
                        json.writeString(new String(value, StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}
