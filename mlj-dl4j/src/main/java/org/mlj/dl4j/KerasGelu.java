package org.mlj.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's {@code gelu} activation in its default, exact form {@code x / 2 * (1 + erf(x / sqrt(2)))}:
 * DL4J's GELU activations are the sigmoid and tanh approximations, up to 1e-3 away. mlj sets it on the
 * DL4J layers whose Keras activation is {@code gelu} after import (inference only). Stateless and
 * thread-safe.
 */
final class KerasGelu extends BaseActivationFunction {

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray erf = Nd4j.getExecutioner().exec(new Erf(in.mul(1.0 / Math.sqrt(2.0))));
        return in.muli(erf.addi(1.0)).muli(0.5);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        throw new UnsupportedOperationException("mlj runs gelu for inference only");
    }

    @Override
    public String toString() {
        return "gelu(exact)";
    }
}
