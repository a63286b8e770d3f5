package org.mlj.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Keras layer that mlj computes itself, in Keras layout, where DL4J 1.0.0-M2.1 has no layer that
 * computes the same thing (GRU, LayerNormalization, TimeDistributed, recurrent layers that skip masked
 * time steps or run backwards). The DL4J network holds a placeholder vertex of the same output shape
 * in its place; {@link ChainForwardPass} runs this instead. Implementations are immutable and
 * thread-safe; their weight arrays are shared read-only.
 */
interface KerasComputation {

    /**
     * The layer's output for one batch.
     *
     * @param input the layer input in Keras layout ({@code [batch, features]}, {@code [batch, time, features]})
     * @param mask the Keras mask of the input's time steps, {@code [batch, time]} of 0 and 1, or null
     * @return the output in Keras layout
     */
    INDArray apply(INDArray input, INDArray mask);
}
