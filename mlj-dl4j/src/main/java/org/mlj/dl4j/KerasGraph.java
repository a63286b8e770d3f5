package org.mlj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.mlj.api.TensorSpec;

/**
 * A Keras model as {@link KerasConfigTranslator} understood it: the config DL4J's importer reads, and
 * the Keras names, order and layout that mlj exposes.
 *
 * @param dl4jConfig the translated model config (Keras 1/2 functional JSON) for DL4J's importer
 * @param inputs the model inputs in Keras order and layout (names of the input layers)
 * @param outputs the names of the output layers, in Keras order
 * @param layers every layer but the input layers, in config order
 */
record KerasGraph(String dl4jConfig, List<TensorSpec> inputs, List<String> outputs, List<Layer> layers) {

    KerasGraph {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        layers = List.copyOf(layers);
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
