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
        double[] values = switch (kind) {
            case TEXT -> toDoubles(model.tokenizer().encode(row.getString(field)));
            case IMAGE -> image(row.<byte[]>getAs(field), model, partition, position);
            case VECTOR -> row.<Vector>getAs(field).toArray();
            default -> numbers(row.getList(field), partition, position);
        };
        if (values.length != exampleSize()) {
            throw new RowInputException(column, partition, position, "has " + values.length + " values; expected " + expected());
        }
        return convert(values, partition, position);
    }

    private double[] image(byte[] file, CachedModel model, int partition, long position) {
        try {
            float[] pixels = model.pixels(file);
            double[] values = new double[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                values[i] = pixels[i];
            }
            return values;
        } catch (IOException e) {
            throw new RowInputException(column, partition, position, e.getMessage() + "; expected " + expected());
        }
    }

    private double[] numbers(List<Object> list, int partition, long position) {
        double[] values = new double[list.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = list.get(i);
            if (value == null) {
                throw new RowInputException(column, partition, position, "has null at index " + i + "; expected " + expected());
            }
            values[i] = ((Number) value).doubleValue();
        }
        return values;
    }

    private Object convert(double[] values, int partition, long position) {
        switch (dtype) {
            case FLOAT32: {
                float[] out = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = (float) values[i];
                }
                return out;
            }
            case FLOAT64:
                return values;
            case INT32: {
                int[] out = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = (int) integral(values[i], i, Integer.MIN_VALUE, Integer.MAX_VALUE, partition, position);
                }
                return out;
            }
            case INT64: {
                long[] out = new long[values.length];
                for (int i = 0; i < values.length; i++) {
                    out[i] = integral(values[i], i, Long.MIN_VALUE, Long.MAX_VALUE, partition, position);
                }
                return out;
            }
            default:
                throw new IllegalStateException("unsupported dtype " + dtype);
        }
    }

    private long integral(double value, int index, long min, long max, int partition, long position) {
        if (value != Math.rint(value) || value < min || value > max) {
            throw new RowInputException(column, partition, position, "has " + value + " at index " + index
                    + ", which is not an " + dtype + " value; expected " + expected());
        }
        return (long) value;
    }

    private static double[] toDoubles(int[] ids) {
        double[] values = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            values[i] = ids[i];
        }
        return values;
    }
}
