package org.mlj.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.mlj.api.DType;

/**
 * One column feeding one model input: reads a row's value as one example of the input, checked
 * against the input's dtype and per-example shape. Immutable, thread-safe and serializable.
 *
 * @param column the DataFrame column
 * @param input the model input
 * @param kind how the column is read
 * @param dtype the input's dtype (float32, float64, int32 or int64)
 * @param exampleShape the input's shape without the batch dimension, fully known
 */
record InputBinding(String column, String input, ColumnKind kind, DType dtype, long[] exampleShape) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Values in one example. */
    int exampleSize() {
        long size = 1;
        for (long dim : exampleShape) {
            size *= dim;
        }
        return Math.toIntExact(size);
    }

    /** What a value must be, for error messages. */
    String expected() {
        String shape = "input '" + input + "' " + dtype + " " + Arrays.toString(exampleShape);
        return switch (kind) {
            case TEXT -> "a string (tokenized to " + shape + ")";
            case IMAGE -> "image file bytes (PNG, JPEG, GIF or BMP) for " + shape;
            default -> exampleSize() + " values for " + shape;
        };
    }

    /**
     * The row's value as one example: a {@code float[]}, {@code double[]}, {@code int[]} or
     * {@code long[]} (by {@link #dtype}) of {@link #exampleSize()} values.
     *
     * @throws RowInputException naming the column, the row and what was expected
     */
    Object example(Row row, int field, CachedModel model, int partition, long position) {
        if (row.isNullAt(field)) {
            throw new RowInputException(column, partition, position, "is null; expected " + expected());
        }
        Object values = switch (kind) {
            case TEXT -> model.tokenizer().encode(row.getString(field));
            case IMAGE -> image(row.<byte[]>getAs(field), model, partition, position);
            case VECTOR -> row.<Vector>getAs(field).toArray();
            default -> primitives(row, field, partition, position);
        };
        int length = java.lang.reflect.Array.getLength(values);
        if (length != exampleSize()) {
            throw new RowInputException(column, partition, position, "has " + length + " values; expected " + expected());
        }
        return convert(values, partition, position);
    }

    private float[] image(byte[] file, CachedModel model, int partition, long position) {
        try {
            return model.pixels(file);
        } catch (IOException e) {
            throw new RowInputException(column, partition, position, e.getMessage() + "; expected " + expected());
        }
    }

    /**
     * An array column's values as a primitive array of the column's element type: Spark hands primitive
     * arrays without nulls over as a Scala {@code ArraySeq} wrapping one, which is used as is (no copy, no
     * boxing); anything else is read element by element.
     */
    private Object primitives(Row row, int field, int partition, long position) {
        Object value = row.get(field);
        Object array = value instanceof scala.collection.mutable.ArraySeq<?> seq ? seq.array()
                : value instanceof scala.collection.immutable.ArraySeq<?> seq ? seq.unsafeArray() : null;
        if (array != null && array.getClass().getComponentType().isPrimitive()) {
            return array;
        }
        List<Object> list = row.getList(field);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new RowInputException(column, partition, position, "has null at index " + i + "; expected " + expected());
            }
        }
        return switch (kind) {
            case FLOAT_ARRAY -> {
                float[] out = new float[list.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ((Number) list.get(i)).floatValue();
                }
                yield out;
            }
            case INT_ARRAY -> list.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            case LONG_ARRAY -> list.stream().mapToLong(v -> ((Number) v).longValue()).toArray();
            default -> list.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        };
    }

    /** The values as the input's dtype; integer inputs accept only integral values in range. */
    private Object convert(Object values, int partition, long position) {
        int n = java.lang.reflect.Array.getLength(values);
        switch (dtype) {
            case FLOAT32: {
                if (values instanceof float[]) {
                    return values;
                }
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) number(values, i);
                }
                return out;
            }
            case FLOAT64: {
                if (values instanceof double[]) {
                    return values;
                }
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    out[i] = number(values, i);
                }
                return out;
            }
            case INT32: {
                if (values instanceof int[]) {
                    return values;
                }
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (int) integral(values, i, Integer.MIN_VALUE, Integer.MAX_VALUE, partition, position);
                }
                return out;
            }
            case INT64: {
                if (values instanceof long[]) {
                    return values;
                }
                long[] out = new long[n];
                for (int i = 0; i < n; i++) {
                    out[i] = integral(values, i, Long.MIN_VALUE, Long.MAX_VALUE, partition, position);
                }
                return out;
            }
            default:
                throw new IllegalStateException("unsupported dtype " + dtype);
        }
    }

    private static double number(Object values, int i) {
        if (values instanceof float[] f) {
            return f[i];
        }
        if (values instanceof double[] d) {
            return d[i];
        }
        if (values instanceof int[] ints) {
            return ints[i];
        }
        return ((long[]) values)[i];
    }

    private long integral(Object values, int index, long min, long max, int partition, long position) {
        if (values instanceof long[] longs) {
            long value = longs[index];
            if (value < min || value > max) {
                throw notIntegral(value, index, partition, position);
            }
            return value;
        }
        double value = number(values, index);
        if (value != Math.rint(value) || value < min || value > max) {
            throw notIntegral(value, index, partition, position);
        }
        return (long) value;
    }

    private RowInputException notIntegral(Object value, int index, int partition, long position) {
        return new RowInputException(column, partition, position, "has " + value + " at index " + index
                + ", which is not an " + dtype + " value; expected " + expected());
    }
}
