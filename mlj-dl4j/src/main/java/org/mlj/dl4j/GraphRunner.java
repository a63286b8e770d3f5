package org.mlj.dl4j;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mlj.api.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The member of a {@link NetworkPool} that {@link GraphForwardPass} and {@link ChainForwardPass} borrow:
 * one copy of the network and its reusable input arrays. Used by one thread at a time; the pool's
 * owner frees the network's parameters.
 */
final class GraphRunner {
    final ComputationGraph graph;
    private INDArray[] inputs = new INDArray[0];

    GraphRunner(ComputationGraph graph) {
        this.graph = graph;
    }

    /** The tensors copied into input arrays, reusing the previous call's arrays when shapes agree. */
    INDArray[] fill(Tensor[] tensors) {
        if (inputs.length != tensors.length) {
            inputs = new INDArray[tensors.length];
        }
        for (int i = 0; i < tensors.length; i++) {
            long[] shape = tensors[i].shape().dims();
            if (inputs[i] == null || !Arrays.equals(inputs[i].shape(), shape)) {
                inputs[i] = Nd4jTensors.newFloatArray(shape);
            }
            Nd4jTensors.copy(tensors[i], inputs[i]);
        }
        return inputs;
    }
}
