package org.mlj.dl4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.mlj.api.DType;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between mlj {@link Tensor}s and ND4J float32 arrays (native
 * memory), one bulk copy each way where the element types agree. Stateless and thread-safe.
 */
final class Nd4jTensors {
    private Nd4jTensors() {
    }

    /** A new C-ordered float32 array, its elements not yet set. */
    static INDArray newFloatArray(long[] shape) {
        return Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
    }

    /**
     * Copies a tensor's elements into a C-ordered float32 array of the same shape made by
     * {@link #newFloatArray}; integer token ids become floats, as DL4J's embedding layers read them.
     */
    static void copy(Tensor tensor, INDArray array) {
        ByteBuffer bytes = nativeBytes(array);
        FloatBuffer target = bytes.asFloatBuffer();
        switch (tensor.dtype()) {
            case FLOAT32 -> tensor.copyTo(bytes);
            case INT32 -> {
                IntBuffer ids = tensor.intBuffer();
                for (int i = 0; i < ids.limit(); i++) {
                    target.put(i, ids.get(i));
                }
            }
            default -> {
                for (int i = 0; i < tensor.size(); i++) {
                    target.put(i, (float) tensor.getAsDouble(i));
                }
            }
        }
    }

    /** A float32 tensor with the array's shape and elements in C order (the array is copied once). */
    static Tensor toTensor(INDArray array) {
        INDArray source = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        if (source.offset() != 0 || source.ordering() != 'c' || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(source)) {
            source = source.dup('c');
        }
        ByteBuffer bytes = Tensor.allocate(DType.FLOAT32, source.length());
        bytes.put(nativeBytes(source)).clear();
        return Tensor.wrap(DType.FLOAT32, Shape.of(source.shape()), bytes);
    }

    /**
     * The bytes of a C-ordered float32 array with default strides and no offset, as a view of native
     * memory (views with an offset are dup'ed first: ND4J does not count their offset consistently).
     */
    private static ByteBuffer nativeBytes(INDArray array) {
        return new BytePointer(array.data().pointer()).limit(array.length() * Float.BYTES).asByteBuffer()
                .order(ByteOrder.nativeOrder());
    }
}
