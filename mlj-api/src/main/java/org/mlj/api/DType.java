package org.mlj.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element type of a {@link Tensor}. Names follow NumPy and Keras ({@code float32}, {@code int64}, ...),
 * so that a dtype printed by mlj reads the same as in Python.
 *
 * <p>Immutable and thread-safe.
 */
public enum DType {
    /** 32-bit IEEE float. */
    FLOAT32("float32", 4),
    /** 64-bit IEEE float. */
    FLOAT64("float64", 8),
    /** 32-bit signed integer. */
    INT32("int32", 4),
    /** 64-bit signed integer. */
    INT64("int64", 8),
    /** Boolean, stored as one byte per element (0 or 1). */
    BOOL("bool", 1),
    /** 8-bit unsigned integer, stored as one byte per element. */
    UINT8("uint8", 1),
    /** Variable-length byte string (TensorFlow's {@code tf.string}); text is UTF-8. */
    STRING("string", -1);

    private final String pythonName;
    private final int byteSize;

    DType(String pythonName, int byteSize) {
        this.pythonName = pythonName;
        this.byteSize = byteSize;
    }

    /** The NumPy / Keras name, e.g. {@code float32}. */
    public String pythonName() {
        return pythonName;
    }

    /** Bytes per element, or -1 for {@link #STRING}, whose elements vary in length. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether elements have a fixed size (every dtype but {@link #STRING}). */
    public boolean isFixedSize() {
        return byteSize > 0;
    }

    /**
     * Parses a NumPy / Keras dtype name ({@code float32}, {@code int64}, {@code bool}, {@code string}, ...).
     *
     * @throws IllegalArgumentException naming the supported dtypes when {@code name} is not one of them
     */
    public static DType fromPythonName(String name) {
        String normalized = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (normalized.equals("str") || normalized.equals("object") || normalized.equals("bytes")) {
            return STRING;
        }
        for (DType type : values()) {
            if (type.pythonName.equals(normalized)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unsupported dtype '" + name + "'; mlj supports "
                + Arrays.stream(values()).map(DType::pythonName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return pythonName;
    }
}
