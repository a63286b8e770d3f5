package org.mlj.serving.inference;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.mlj.api.Tensor;
import org.mlj.serving.repository.ModelVersion;

/**
 * One decoded request, ready to run: the acquired model version, the signature, the input tensors
 * and the layers whose outputs were asked for (empty: none). Protocol-neutral: both REST APIs
 * decode into this. Immutable.
 *
 * @param version the version acquired for this call (the predictor releases it when done)
 * @param signatureName the signature to run
 * @param inputs input tensors by name
 * @param layers layer names for {@link org.mlj.api.Model#layerOutputs}, or empty
 */
public record InferenceCall(ModelVersion version, String signatureName, Map<String, Tensor> inputs, List<String> layers) {
    /** Checks and copies the components. */
    public InferenceCall {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(signatureName, "signatureName");
        inputs = Map.copyOf(inputs);
        layers = List.copyOf(layers);
    }
}
