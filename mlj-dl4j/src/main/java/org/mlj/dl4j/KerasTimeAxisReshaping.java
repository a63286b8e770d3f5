package org.mlj.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's ZeroPadding1D, Cropping1D and UpSampling1D on {@code [batch, time, channels]}: DL4J M2.1's
 * layers of these classes work on {@code [batch, channels, time]} whatever layout the Keras import gave
 * their input, so they pad, crop or repeat the channels of a channels-last sequence. Immutable and
 * thread-safe.
 *
 * @param operation what the layer does
 * @param before zeros added before / steps cropped at the start / the repeat count
 * @param after zeros added after / steps cropped at the end (unused for UpSampling1D)
 */
record KerasTimeAxisReshaping(Operation operation, int before, int after) implements KerasComputation {

    /** The layer class. */
    enum Operation { ZERO_PADDING, CROPPING, UP_SAMPLING }

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        INDArray x = input.castTo(DataType.FLOAT);
        long batch = x.size(0);
        long time = x.size(1);
        long channels = x.size(2);
        return switch (operation) {
            case ZERO_PADDING -> {
                INDArray output = Nd4j.zeros(DataType.FLOAT, batch, before + time + after, channels);
                output.get(NDArrayIndex.all(), NDArrayIndex.interval(before, before + time), NDArrayIndex.all()).assign(x);
                yield output;
            }
            case CROPPING -> x.get(NDArrayIndex.all(), NDArrayIndex.interval(before, time - after), NDArrayIndex.all()).dup('c');
            case UP_SAMPLING -> {
                INDArray output = Nd4j.create(DataType.FLOAT, batch, time * before, channels);
                for (long t = 0; t < time; t++) {
                    INDArray step = x.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all());
                    for (int r = 0; r < before; r++) {
                        output.get(NDArrayIndex.all(), NDArrayIndex.point(t * before + r), NDArrayIndex.all()).assign(step);
                    }
                }
                yield output;
            }
        };
    }
}
