package org.mlj.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras 3's LayerNormalization over the last axis: {@code (x - mean) / sqrt(variance + epsilon)},
 * scaled by {@code gamma} and shifted by {@code beta} when the layer has them (DL4J M2.1 has no such
 * layer). Immutable and thread-safe.
 *
 * @param gamma [features] or null ({@code scale=False})
 * @param beta [features] or null ({@code center=False})
 */
record KerasLayerNormalization(INDArray gamma, INDArray beta, double epsilon) implements KerasComputation {

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        long features = input.size(input.rank() - 1);
        INDArray x = input.castTo(DataType.FLOAT).dup('c').reshape('c', input.length() / features, features);
        INDArray mean = x.mean(true, 1);
        INDArray centred = x.subColumnVector(mean);
        INDArray variance = centred.mul(centred).mean(true, 1);
        INDArray inverse = Transforms.pow(variance.addi(epsilon), -0.5, false);
        INDArray output = centred.muliColumnVector(inverse);
        if (gamma != null) {
            output.muliRowVector(gamma.reshape(1, features));
        }
        if (beta != null) {
            output.addiRowVector(beta.reshape(1, features));
        }
        return output.reshape('c', input.shape());
    }
}
