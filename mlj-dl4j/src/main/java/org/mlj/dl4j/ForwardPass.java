package org.mlj.dl4j;

import java.util.List;
import java.util.Map;
import org.mlj.api.Tensor;

/**
 * Runs an imported network, tensors in and out in Keras layout: the seam behind {@link Dl4jModel}
 * where a faster execution path (fused LSTM op, oneDNN helpers) can replace DL4J's layer-by-layer
 * forward pass without touching the API. Implementations must be safe for concurrent calls.
 */
interface ForwardPass extends AutoCloseable {

    /** The network outputs for inputs in the network's input order, in its output order. */
    Tensor[] outputs(Tensor[] inputs);

    /** The activations of the named layers for inputs in the network's input order, in the order asked for. */
    Tensor[] activations(Tensor[] inputs, List<String> layers);

    /** Facts about this implementation for {@link org.mlj.api.Model#details()}. */
    Map<String, String> details();

    /** Releases the networks; called once, with no call running. */
    @Override
    void close();
}
