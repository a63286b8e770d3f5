package org.mlj.dl4j;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code TimeDistributed(Dense)}: the Dense layer applied to every time step of
 * {@code [batch, time, features]} (DL4J M2.1 has no TimeDistributed). Immutable and thread-safe.
 *
 * @param kernel [features, units]
 * @param bias [1, units] or null
 * @param activation one of {@link KerasRecurrence#ACTIVATIONS}
 */
record KerasTimeDistributedDense(INDArray kernel, INDArray bias, UnaryOperator<INDArray> activation) implements KerasComputation {

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        long batch = input.size(0);
        long time = input.size(1);
        INDArray output = input.castTo(DataType.FLOAT).dup('c').reshape('c', batch * time, input.size(2)).mmul(kernel);
        if (bias != null) {
            output.addiRowVector(bias);
        }
        return activation.apply(output).reshape('c', batch, time, kernel.size(1));
    }
}
