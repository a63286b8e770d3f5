package org.mlj.serving.tfserving;

import java.util.List;
import java.util.Map;
import org.mlj.api.Tensor;

/**
 * A decoded TF Serving {@code :predict} body. Immutable.
 *
 * @param signatureName the signature to run
 * @param inputs tensors by input name
 * @param rowFormat whether the request used {@code instances} (answered as {@code predictions}) rather
 *                  than {@code inputs} (answered as {@code outputs})
 * @param layers layer names of the mlj extension {@code mlj_layers}, or empty
 */
public record PredictRequest(String signatureName, Map<String, Tensor> inputs, boolean rowFormat, List<String> layers) {
    /** Copies the collections. */
    public PredictRequest {
        inputs = Map.copyOf(inputs);
        layers = List.copyOf(layers);
    }
}
