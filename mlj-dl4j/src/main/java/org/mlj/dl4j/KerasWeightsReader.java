package org.mlj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mlj.api.ModelLoadException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads the weights of every layer from a {@link KerasFile}, keyed the way DL4J's Keras layers expect
 * them in {@code KerasLayer.setWeights} ({@code kernel}, {@code recurrent_kernel}, {@code bias},
 * {@code embeddings}, {@code forward_kernel}, ...), each straight into a float32 ND4J array.
 *
 * <p>Two layouts:
 * <ul>
 *   <li>Keras 3 {@code model.weights.h5}: {@code layers/<path>/vars/<i>} datasets without names; the
 *       {@code name} attribute of each {@code vars} group says which layer it belongs to, and the
 *       variables are named by their creation order in Keras 3 (kernel before bias, gamma before beta, ...);
 *       an RNN's variables sit in its {@code cell}, a Bidirectional's under {@code forward_layer} and
 *       {@code backward_layer}.</li>
 *   <li>{@code .h5} (Keras 1, 2 and 3 legacy): {@code model_weights/<layer>/<weight name>}, listed by the
 *       group's {@code weight_names} attribute. Keras 3 writes names without the {@code :0} suffix and
 *       nests Sequential weights one group deeper ({@code dense/<model>/dense/kernel}); reading the path
 *       that {@code weight_names} gives, relative to the layer group, finds both layouts.</li>
 * </ul>
 * Counts are checked against what each layer needs; shapes are checked against DL4J's parameters by
 * {@link KerasGraphImporter}. Stateless and thread-safe.
 */
final class KerasWeightsReader {
    private static final Pattern TENSOR_SUFFIX = Pattern.compile(":\\d+$");
    private static final Pattern SNAKE_WORD = Pattern.compile("(.)([A-Z][a-z]+)");
    private static final Pattern SNAKE_LOWER_UPPER = Pattern.compile("([a-z])([A-Z])");

    private KerasWeightsReader() {
    }

    /**
     * Reads the weights of the layers that have any.
     *
     * @return parameter arrays by DL4J-Keras parameter name, by layer name
     * @throws ModelLoadException if weights are missing, extra, or unreadable
     */
    static Map<String, Map<String, INDArray>> read(KerasFile file, KerasGraph graph) {
        return switch (file.layout()) {
            case KERAS_V3 -> readKeras3(file.weights(), graph);
            case HDF5_LEGACY -> readLegacy(file.weights(), graph);
        };
    }

    private static Map<String, Map<String, INDArray>> readKeras3(Hdf5File h5, KerasGraph graph) {
        if (!h5.isGroup("layers")) {
            throw new ModelLoadException(h5.description() + " has no 'layers' group: not a Keras 3 weights file");
        }
        Map<String, String> groupsByLayer = new HashMap<>();
        for (String child : h5.children("layers")) {
            String group = "layers/" + child;
            if (h5.isGroup(group + "/vars")) {
                h5.stringAttribute(group + "/vars", "name").filter(names -> names.size() == 1)
                        .ifPresent(names -> groupsByLayer.put(names.get(0), group));
            }
        }
        if (groupsByLayer.isEmpty()) {
            groupsByLayer.putAll(keras3DefaultGroups(graph.layers()));
        }
        Map<String, Map<String, INDArray>> weights = new LinkedHashMap<>();
        for (KerasGraph.Layer layer : graph.layers()) {
            List<Variables> expected = keras3Variables(layer);
            String group = groupsByLayer.get(layer.name());
            if (group == null) {
                if (!expected.isEmpty()) {
                    throw new ModelLoadException(h5.description() + " has no weights for layer '" + layer.name() + "' ("
                            + layer.className() + ")");
                }
                continue;
            }
            if (expected.isEmpty()) {
                requireNoVariables(h5, group + "/vars", layer);
                continue;
            }
            Map<String, INDArray> params = new LinkedHashMap<>();
            for (Variables variables : expected) {
                String path = group + "/" + variables.path();
                List<String> datasets = h5.isGroup(path) ? h5.children(path) : List.of();
                if (datasets.size() != variables.names().size()) {
                    throw new ModelLoadException(h5.description() + ": layer '" + layer.name() + "' (" + layer.className()
                            + ") has " + datasets.size() + " weight arrays under " + path + ", expected "
                            + variables.names().size() + " " + variables.names());
                }
                for (int i = 0; i < datasets.size(); i++) {
                    String dataset = path + "/" + i;
                    if (!h5.isDataset(dataset)) {
                        throw new ModelLoadException(h5.description() + ": weight array " + dataset + " is missing");
                    }
                    params.put(variables.names().get(i), h5.readFloats(dataset));
                }
            }
            weights.put(layer.name(), params);
        }
        return weights;
    }

    /**
     * Where Keras 3 saves each layer when its {@code vars} groups carry no {@code name} attribute (as
     * older Keras 3 releases write them): {@code layers/<class name in snake case>}, suffixed
     * {@code _1}, {@code _2}, ... for repeated classes, in model order.
     */
    static Map<String, String> keras3DefaultGroups(List<KerasGraph.Layer> layers) {
        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        for (KerasGraph.Layer layer : layers) {
            String base = SNAKE_LOWER_UPPER.matcher(SNAKE_WORD.matcher(layer.className().replaceAll("\\W+", ""))
                    .replaceAll("$1_$2")).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
            int repeat = seen.merge(base, 1, Integer::sum) - 1;
            groups.put(layer.name(), "layers/" + (repeat == 0 ? base : base + "_" + repeat));
        }
        return groups;
    }

    private static void requireNoVariables(Hdf5File h5, String varsPath, KerasGraph.Layer layer) {
        if (!h5.children(varsPath).isEmpty()) {
            throw new ModelLoadException(h5.description() + ": layer '" + layer.name() + "' (" + layer.className()
                    + ") has weights, but the dl4j backend knows no weights for that class");
        }
    }

    /**
     * A group of Keras 3 variables under a layer's group, named in creation order.
     *
     * @param path path below the layer's group, e.g. {@code vars} or {@code cell/vars}
     * @param names parameter names, in the order of the datasets {@code 0..n}
     */
    private record Variables(String path, List<String> names) {
    }

    /** The variables a Keras 3 layer creates, in order; empty for a layer without weights. */
    private static List<Variables> keras3Variables(KerasGraph.Layer layer) {
        JsonNode config = layer.config();
        boolean bias = config.path("use_bias").asBoolean(true);
        return switch (layer.className()) {
            case "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose" ->
                    List.of(new Variables("vars", withBias(bias, "kernel")));
            case "DepthwiseConv2D" -> List.of(new Variables("vars", withBias(bias, "depthwise_kernel")));
            case "SeparableConv2D" -> List.of(new Variables("vars", withBias(bias, "depthwise_kernel", "pointwise_kernel")));
            case "Embedding" -> List.of(new Variables("vars", List.of("embeddings")));
            case "PReLU" -> List.of(new Variables("vars", List.of("alpha")));
            case "BatchNormalization" -> {
                List<String> names = new ArrayList<>();
                if (config.path("scale").asBoolean(true)) {
                    names.add("gamma");
                }
                if (config.path("center").asBoolean(true)) {
                    names.add("beta");
                }
                names.add("moving_mean");
                names.add("moving_variance");
                yield List.of(new Variables("vars", names));
            }
            case "LSTM", "SimpleRNN", "GRU" -> List.of(new Variables("cell/vars", recurrentNames("", bias)));
            case "TimeDistributed" -> {
                JsonNode inner = config.path("layer");
                yield inner.path("class_name").asText().equals("Dense")
                        ? List.of(new Variables("layer/vars", withBias(inner.path("config").path("use_bias").asBoolean(true), "kernel")))
                        : List.of();
            }
            case "LayerNormalization" -> {
                List<String> names = new ArrayList<>();
                if (config.path("scale").asBoolean(true)) {
                    names.add("gamma");
                }
                if (config.path("center").asBoolean(true)) {
                    names.add("beta");
                }
                yield List.of(new Variables("vars", names));
            }
            case "Bidirectional" -> {
                boolean innerBias = config.path("layer").path("config").path("use_bias").asBoolean(true);
                yield List.of(new Variables("forward_layer/cell/vars", recurrentNames("forward_", innerBias)),
                        new Variables("backward_layer/cell/vars", recurrentNames("backward_", innerBias)));
            }
            default -> List.of();
        };
    }

    private static List<String> withBias(boolean bias, String... names) {
        List<String> all = new ArrayList<>(List.of(names));
        if (bias) {
            all.add("bias");
        }
        return all;
    }

    private static List<String> recurrentNames(String prefix, boolean bias) {
        List<String> names = new ArrayList<>(List.of(prefix + "kernel", prefix + "recurrent_kernel"));
        if (bias) {
            names.add(prefix + "bias");
        }
        return names;
    }

    private static Map<String, Map<String, INDArray>> readLegacy(Hdf5File h5, KerasGraph graph) {
        String root = h5.isGroup("model_weights") ? "model_weights/" : "";
        Map<String, Map<String, INDArray>> weights = new LinkedHashMap<>();
        for (KerasGraph.Layer layer : graph.layers()) {
            String group = root + layer.name();
            if (!h5.isGroup(group)) {
                continue;
            }
            List<String> names = h5.stringAttribute(group, "weight_names").orElse(List.of());
            if (names.isEmpty()) {
                continue;
            }
            Map<String, INDArray> params = new LinkedHashMap<>();
            for (String weightName : names) {
                String dataset = group + "/" + weightName;
                if (!h5.isDataset(dataset)) {
                    throw new ModelLoadException(h5.description() + ": layer '" + layer.name() + "' lists weight "
                            + weightName + ", but " + dataset + " is missing");
                }
                params.put(legacyParameterName(layer, weightName), h5.readFloats(dataset));
            }
            weights.put(layer.name(), params);
        }
        return weights;
    }

    /**
     * The DL4J-Keras name of a legacy weight: the last path element without the {@code :0} suffix
     * ({@code dense/kernel:0} is {@code kernel}); without the layer-name prefix of Keras 1
     * ({@code dense_1_W} is {@code W}); with the direction of a Bidirectional layer
     * ({@code .../forward_lstm/lstm_cell/kernel} is {@code forward_kernel}).
     */
    private static String legacyParameterName(KerasGraph.Layer layer, String weightName) {
        String[] parts = weightName.split("/");
        String name = TENSOR_SUFFIX.matcher(parts[parts.length - 1]).replaceFirst("");
        if (parts.length == 1 && name.startsWith(layer.name() + "_")) {
            name = name.substring(layer.name().length() + 1);
        }
        if (layer.className().equals("DepthwiseConv2D") && name.equals("kernel")) {
            return "depthwise_kernel"; // Keras 3 names it kernel, Keras 2 (and DL4J) depthwise_kernel
        }
        if (layer.className().equals("Bidirectional")) {
            for (String part : parts) {
                if (part.startsWith("forward") || part.startsWith("backward")) {
                    return (part.startsWith("forward") ? "forward_" : "backward_") + name;
                }
            }
        }
        return name;
    }
}
