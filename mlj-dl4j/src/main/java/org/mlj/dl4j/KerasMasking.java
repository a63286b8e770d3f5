package org.mlj.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras masks: the {@code Masking} layer (a time step is masked when all its features equal
 * {@code mask_value}; masked steps become zeros) and the mask of {@code Embedding(mask_zero=True)}
 * (a step is masked where the token id is 0). Keras 3 writes these as {@code NotEqual} and {@code Any}
 * op nodes in a functional config; mlj computes them here. Immutable and thread-safe.
 *
 * @param value the mask value
 */
record KerasMasking(double value) implements KerasComputation {

    /** The Masking layer's output: the input with masked time steps zeroed. */
    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        INDArray keep = stepMask(input);
        long batch = input.size(0);
        long time = input.size(1);
        INDArray x = input.castTo(DataType.FLOAT).dup('c').reshape('c', batch * time, input.size(2));
        return x.muliColumnVector(keep.reshape('c', batch * time, 1)).reshape('c', input.shape());
    }

    /** {@code any(x != value, axis=-1)} of {@code [batch, time, features]}, as 0/1 floats {@code [batch, time]}. */
    INDArray stepMask(INDArray input) {
        return input.castTo(DataType.FLOAT).neq((float) value).castTo(DataType.FLOAT).max(2);
    }

    /** The mask of {@code Embedding(mask_zero=True)}: 1 where a token id of {@code [batch, time]} is not 0. */
    static INDArray nonZeroIds(INDArray ids) {
        return ids.castTo(DataType.FLOAT).neq(0.0f).castTo(DataType.FLOAT);
    }
}
