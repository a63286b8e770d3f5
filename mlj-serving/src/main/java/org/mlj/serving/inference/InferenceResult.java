package org.mlj.serving.inference;

import java.util.Map;

/**
 * What an {@link InferenceCall} produced: the signature's outputs in its order, and the layer
 * outputs asked for (empty when none). Immutable.
 *
 * @param outputs output tensors by name, in signature order
 * @param layers layer outputs by layer name, in request order
 */
public record InferenceResult(Map<String, org.mlj.api.Tensor> outputs, Map<String, org.mlj.api.Tensor> layers) {
}
