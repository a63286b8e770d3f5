package org.mlj.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's Max/AveragePooling1D ({@code valid} or {@code same} padding; padding never counts in an
 * average, as in TensorFlow) and GlobalMax/AveragePooling1D on {@code [batch, time, channels]}, for
 * sequences that a layer mlj computes hands on (DL4J's 1D pooling reads them in another layout).
 * Immutable and thread-safe.
 *
 * @param max max pooling, else average
 * @param global pool over all time steps (size, stride and padding unused)
 */
record KerasPooling1D(boolean max, boolean global, int size, int stride, boolean same) implements KerasComputation {

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        INDArray x = input.castTo(DataType.FLOAT);
        long time = x.size(1);
        if (global) {
            return max ? x.max(1) : x.mean(1);
        }
        long out = same ? (time + stride - 1) / stride : (time - size) / stride + 1;
        long before = same ? Math.max((out - 1) * stride + size - time, 0) / 2 : 0;
        INDArray output = Nd4j.create(DataType.FLOAT, x.size(0), out, x.size(2));
        for (long i = 0; i < out; i++) {
            long start = Math.max(i * stride - before, 0);
            long end = Math.min(i * stride - before + size, time);
            INDArray window = x.get(NDArrayIndex.all(), NDArrayIndex.interval(start, end), NDArrayIndex.all());
            output.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()).assign(max ? window.max(1) : window.mean(1));
        }
        return output;
    }
}
