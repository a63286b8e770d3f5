package org.mlj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.mlj.api.TensorSpec;

/**
 * A Keras model as {@link KerasConfigTranslator} understood it: the config DL4J's importer reads, and
 * the Keras names, order and layout that mlj exposes.
 *
 * @param dl4jConfig the translated model config (Keras 1/2 functional JSON) for DL4J's importer
 * @param inputs the model inputs in Keras order and layout (names of the input layers)
 * @param outputs the names of the output layers, in Keras order
 * @param layers every layer but the input layers (and Keras 3 mask op nodes), in config order
 * @param computed the layers mlj computes itself ({@link KerasComputation}); the DL4J config holds a
 *     placeholder of the same output shape for each
 * @param masked the layers that receive a Keras mask (time steps to skip)
 */
record KerasGraph(String dl4jConfig, List<TensorSpec> inputs, List<String> outputs, List<Layer> layers, Set<String> computed,
                  Set<String> masked) {

    KerasGraph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
        computed = Set.copyOf(computed);
        masked = Set.copyOf(masked);
    }

    /** The layer named {@code name}, if any. */
    Optional<Layer> layer(String name) {
        return layers.stream().filter(layer -> layer.name().equals(name)).findFirst();
    }

    /**
     * One Keras layer.
     *
     * @param name the layer name
     * @param className the Keras class, e.g. {@code Conv2D}
     * @param config the layer's own config as the file has it
     */
    record Layer(String name, String className, JsonNode config) {

        /** Whether the layer computes in {@code channels_first} (NCHW) layout. */
        boolean channelsFirst() {
            return "channels_first".equals(config.path("data_format").asText(null));
        }
    }
}
