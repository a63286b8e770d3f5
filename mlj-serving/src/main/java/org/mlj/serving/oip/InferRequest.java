package org.mlj.serving.oip;

import java.util.List;
import java.util.Map;
import org.mlj.api.Tensor;

/**
 * A decoded Open Inference Protocol {@code infer} body. Immutable.
 *
 * @param id the request id to echo, or null
 * @param inputs tensors by input name
 * @param outputs the outputs asked for (empty: all)
 * @param layers layer names of mlj's {@code mlj_layers} parameter, or empty
 */
public record InferRequest(String id, Map<String, Tensor> inputs, List<String> outputs, List<String> layers) {
    /** Copies the collections. */
    public InferRequest {
        inputs = Map.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
    }
}
