package org.mlj.spark;

import java.io.Serializable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.mlj.api.DType;
import org.mlj.api.Tensor;

/**
 * One model output (or layer output) written to one column, one array per row: the row's slice of
 * the batch's tensor, flattened row-major (Keras layout). Immutable, thread-safe and serializable.
 *
 * @param name the output's or layer's name
 * @param column the column written
 * @param dtype the output's dtype; float64, int32 and int64 keep their type, everything else becomes float
 */
record OutputBinding(String name, String column, DType dtype) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The column's type: {@code array<float>}, or {@code array<double|int|bigint>} for such outputs. */
    DataType sparkType() {
        DataType element = switch (dtype) {
            case FLOAT64 -> DataTypes.DoubleType;
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            default -> DataTypes.FloatType;
        };
        return DataTypes.createArrayType(element, false);
    }

    /** The tensor of a batch of {@code rows} examples split into one Java array per example. */
    Object[] split(Tensor tensor, int rows) {
        int width = rows == 0 ? 0 : Math.toIntExact(tensor.size() / rows);
        Object[] out = new Object[rows];
        switch (dtype) {
            case FLOAT64 -> {
                double[] all = tensor.toDoubleArray();
                for (int r = 0; r < rows; r++) {
                    out[r] = java.util.Arrays.copyOfRange(all, r * width, (r + 1) * width);
                }
            }
            case INT32 -> {
                int[] all = tensor.toIntArray();
                for (int r = 0; r < rows; r++) {
                    out[r] = java.util.Arrays.copyOfRange(all, r * width, (r + 1) * width);
                }
            }
            case INT64 -> {
                long[] all = tensor.toLongArray();
                for (int r = 0; r < rows; r++) {
                    out[r] = java.util.Arrays.copyOfRange(all, r * width, (r + 1) * width);
                }
            }
            default -> {
                float[] all = floats(tensor);
                for (int r = 0; r < rows; r++) {
                    out[r] = java.util.Arrays.copyOfRange(all, r * width, (r + 1) * width);
                }
            }
        }
        return out;
    }

    private static float[] floats(Tensor tensor) {
        if (tensor.dtype() == DType.FLOAT32) {
            return tensor.toFloatArray();
        }
        double[] values = tensor.toDoubles();
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
