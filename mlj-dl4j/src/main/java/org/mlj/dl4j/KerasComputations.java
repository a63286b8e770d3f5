package org.mlj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.mlj.api.ModelLoadException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds the {@link KerasComputation} of a layer that mlj computes itself, from its Keras config and
 * its weights in Keras layout. Stateless.
 */
final class KerasComputations {
    private KerasComputations() {
    }

    /**
     * @param weights the layer's Keras weights by name ({@code kernel}, {@code forward_kernel}, {@code gamma}, ...)
     * @param source the file, for messages
     * @throws ModelLoadException if a weight is missing
     */
    static KerasComputation of(KerasGraph.Layer layer, Map<String, INDArray> weights, String source) {
        JsonNode config = layer.config();
        try {
            return switch (layer.className()) {
                case "Masking" -> new KerasMasking(config.path("mask_value").asDouble(0.0));
                case "ZeroPadding1D" -> new KerasTimeAxisReshaping(KerasTimeAxisReshaping.Operation.ZERO_PADDING,
                        pair(config.path("padding"), 0), pair(config.path("padding"), 1));
                case "Cropping1D" -> new KerasTimeAxisReshaping(KerasTimeAxisReshaping.Operation.CROPPING,
                        pair(config.path("cropping"), 0), pair(config.path("cropping"), 1));
                case "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D" -> new KerasPooling1D(
                        layer.className().contains("Max"), layer.className().startsWith("Global"),
                        pair(config.path("pool_size"), 0), pair(config.path("strides"), 0),
                        config.path("padding").asText("valid").equals("same"));
                case "UpSampling1D" -> new KerasTimeAxisReshaping(KerasTimeAxisReshaping.Operation.UP_SAMPLING,
                        config.path("size").asInt(2), 0);
                case "LayerNormalization" -> new KerasLayerNormalization(weights.get("gamma"), weights.get("beta"),
                        config.path("epsilon").asDouble(1e-3));
                case "TimeDistributed" -> {
                    JsonNode dense = config.path("layer").path("config");
                    INDArray kernel = required(weights, "kernel");
                    INDArray bias = weights.get("bias");
                    yield new KerasTimeDistributedDense(kernel, bias == null ? null : bias.reshape(1, kernel.size(1)),
                            KerasRecurrence.function(dense.path("activation").asText("linear")));
                }
                case "Conv1D" -> new KerasDilatedConv1D(required(weights, "kernel"), weights.get("bias"),
                        config.path("strides").path(0).asInt(config.path("strides").asInt(1)),
                        config.path("dilation_rate").path(0).asInt(config.path("dilation_rate").asInt(1)),
                        KerasDilatedConv1D.paddingCode(config.path("padding").asText("valid")),
                        KerasRecurrence.function(config.path("activation").asText("linear")));
                case "LSTM", "SimpleRNN", "GRU" -> recurrence(layer.className(), config, weights, "", null, null);
                case "Bidirectional" -> recurrence(config.path("layer").path("class_name").asText(), config.path("layer").path("config"),
                        weights, "forward_", "backward_", config.path("merge_mode").asText());
                default -> throw new IllegalArgumentException("mlj does not compute " + layer.className() + " layers");
            };
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(source + ": layer '" + layer.name() + "' (" + layer.className() + "): " + e.getMessage(), e);
        }
    }

    private static KerasRecurrence recurrence(String className, JsonNode config, Map<String, INDArray> weights, String forward,
                                              String backward, String mergeMode) {
        KerasRecurrence.Cell cell = switch (className) {
            case "LSTM" -> KerasRecurrence.Cell.LSTM;
            case "SimpleRNN" -> KerasRecurrence.Cell.SIMPLE_RNN;
            case "GRU" -> KerasRecurrence.Cell.GRU;
            default -> throw new IllegalArgumentException("no recurrent cell " + className);
        };
        boolean resetAfter = config.path("reset_after").asBoolean(true);
        boolean returnSequences = config.path("return_sequences").asBoolean(false);
        return new KerasRecurrence(cell, config.path("units").asInt(), config.path("activation").asText("tanh"),
                config.path("recurrent_activation").asText("sigmoid"), resetAfter, returnSequences,
                config.path("go_backwards").asBoolean(false), config.path("zero_output_for_mask").asBoolean(false),
                KerasRecurrence.Weights.of(weights, forward, cell, resetAfter),
                backward == null ? null : KerasRecurrence.Weights.of(weights, backward, cell, resetAfter), mergeMode);
    }

    /** Element {@code index} of a Keras {@code (before, after)} pair, or the single number given for both. */
    private static int pair(JsonNode value, int index) {
        return value.isArray() ? value.path(index).asInt() : value.asInt();
    }

    private static INDArray required(Map<String, INDArray> weights, String name) {
        INDArray value = weights.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing weight " + name);
        }
        return value;
    }
}
