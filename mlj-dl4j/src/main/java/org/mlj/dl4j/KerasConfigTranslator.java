package org.mlj.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;

/**
 * Translates a Keras model config (Keras 1, 2 or 3; Sequential or functional) into the Keras 1/2
 * functional config that DL4J 1.0.0-M2.1's importer reads, after checking that DL4J can import every
 * layer. Pure Java: nothing native runs here.
 *
 * <p>What changes, for Keras 3 configs (each item is one of the differences that make DL4J reject
 * Keras 3 files):
 * <ul>
 *   <li>the Keras version becomes {@code 2} (DL4J refuses major version 3), the backend {@code tensorflow};</li>
 *   <li>{@code InputLayer.batch_shape} becomes {@code batch_input_shape};</li>
 *   <li>flat {@code input_layers}/{@code output_layers} ({@code ["x", 0, 0]}) become nested ({@code [["x", 0, 0]]});</li>
 *   <li>{@code inbound_nodes} of {@code {"args": [keras tensors], "kwargs": {}}} become
 *       {@code [[[layer, node, tensor, {}], ...]]};</li>
 *   <li>{@code Embedding} gains the {@code input_length} DL4J requires (from its build shape or input layer);</li>
 *   <li>{@code LeakyReLU.negative_slope} becomes {@code alpha}; the {@code silu} activation {@code swish};</li>
 *   <li>the {@code NotEqual}/{@code Any} op nodes that compute masks are dropped; {@link KerasGraph#masked()}
 *       records which layers receive a mask.</li>
 * </ul>
 * Layers that DL4J cannot compute as Keras does ({@link KerasGraph#computed()}: GRU, LayerNormalization,
 * TimeDistributed(Dense), masked or backward recurrent layers, Masking, dilated Conv1D, 1D padding,
 * cropping and upsampling) become placeholders of the same output shape, which {@link KerasComputation}s
 * replace at run time; a model with such layers must be a chain.
 * For every version, Sequential models become functional ones (so that every Keras layer, Flatten and
 * Dropout included, is a named vertex of one DL4J ComputationGraph), and every initializer becomes
 * {@code Zeros}: weights are overwritten by the file's anyway, and DL4J's native Orthogonal sampling
 * crashes or hangs for LSTM recurrent kernels. The weight-name difference is handled by
 * {@link KerasWeightsReader}. Stateless and thread-safe.
 */
final class KerasConfigTranslator {
    /** Keras layer classes DL4J 1.0.0-M2.1 imports (Keras 2/3 names, then Keras 1 names). */
    private static final Set<String> SUPPORTED = Set.of(
            "InputLayer", "Dense", "Activation", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
            "AlphaDropout", "GaussianDropout", "GaussianNoise", "Flatten", "Reshape", "Permute", "RepeatVector", "Masking",
            "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv2D", "SeparableConv2D",
            "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
            "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
            "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
            "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D",
            "UpSampling1D", "UpSampling2D", "UpSampling3D", "BatchNormalization", "Embedding", "LSTM", "SimpleRNN",
            "Bidirectional", "Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate",
            "ReLU", "ELU", "LeakyReLU", "PReLU", "ThresholdedReLU", "Softmax", "LocallyConnected1D",
            "Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution1D", "AtrousConvolution2D",
            "SeparableConvolution2D", "Deconvolution2D", "Merge", "TimeDistributedDense",
            "GRU", "LayerNormalization", "TimeDistributed");
    private static final Set<String> RECURRENT = Set.of("LSTM", "SimpleRNN", "GRU");
    /** The op nodes Keras 3 writes into a functional config to compute masks; mlj computes masks itself. */
    private static final Set<String> MASK_OPS = Set.of("NotEqual", "Any");
    /** Layers that may receive a mask: recurrent layers skip masked steps, the others ignore the mask as Keras does. */
    private static final Set<String> MASK_CONSUMERS = Set.of("LSTM", "SimpleRNN", "GRU", "Bidirectional", "TimeDistributed",
            "Dense", "Dropout", "Activation", "SpatialDropout1D", "GaussianNoise", "GaussianDropout");
    /** Layers that start a mask. */
    private static final Set<String> MASK_PRODUCERS = Set.of("Masking", "Embedding");
    /** Layers whose Keras {@code gelu} activation mlj sets on the DL4J layer after import ({@link KerasGelu}). */
    static final Set<String> GELU_LAYERS = Set.of("Dense", "Conv1D", "Conv2D", "Activation");
    /** Why a class is refused, where the reason is more than "DL4J has no such layer". */
    private static final Map<String, String> REFUSALS = Map.of(
            "Minimum", "Deeplearning4j 1.0.0-M2.1 has no Minimum merge",
            "Dot", "Deeplearning4j 1.0.0-M2.1 has no Dot merge",
            "Lambda", "a Lambda layer is Python code, which mlj never runs");
    private static final Set<String> KERAS1_INITIALIZERS = Set.of("init", "inner_init", "beta_init", "gamma_init");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String source;
    private final int kerasMajorVersion;
    /** The layers mlj computes itself, with a placeholder in the DL4J config. */
    private Set<String> computed = Set.of();

    private KerasConfigTranslator(String source, int kerasMajorVersion) {
        this.source = source;
        this.kerasMajorVersion = kerasMajorVersion;
    }

    /**
     * Translates a model config.
     *
     * @param model the config ({@code {"class_name": ..., "config": ...}})
     * @param kerasVersion the Keras version that wrote it
     * @param backend the Keras 1/2 backend recorded in the file, if any
     * @param source the file, for messages
     * @throws UnsupportedModelException naming every layer DL4J cannot import
     * @throws ModelLoadException if the config is malformed
     */
    static KerasGraph translate(JsonNode model, String kerasVersion, Optional<String> backend, String source) {
        int major = kerasVersion.isEmpty() ? -1 : Character.digit(kerasVersion.charAt(0), 10);
        if (major < 1 || major > 3) {
            throw new ModelLoadException(source + " was written by Keras " + kerasVersion + "; mlj reads Keras 1, 2 and 3 files");
        }
        return new KerasConfigTranslator(source, major).translate(model, backend);
    }

    private KerasGraph translate(JsonNode model, Optional<String> backend) {
        String modelClass = model.path("class_name").asText("");
        JsonNode config = model.path("config");
        List<JsonNode> all = new ArrayList<>();
        (modelClass.equals("Sequential") && config.isArray() ? config : config.path("layers")).forEach(all::add);
        if (all.isEmpty()) {
            throw new ModelLoadException(source + ": the model config lists no layers");
        }
        List<JsonNode> layers = all.stream().filter(layer -> !MASK_OPS.contains(layer.path("class_name").asText())).toList();
        Set<String> maskOps = new HashSet<>();
        all.stream().filter(layer -> MASK_OPS.contains(layer.path("class_name").asText())).forEach(op -> maskOps.add(layerName(op)));
        Set<String> masked = modelClass.equals("Sequential") ? sequentialMasked(layers) : functionalMasked(layers);
        checkSupported(modelClass, layers, maskOps, masked);
        computed = computedLayers(layers, masked);
        checkChain(modelClass, config, layers);

        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        ArrayNode translated = NODES.arrayNode();
        if (modelClass.equals("Sequential")) {
            translateSequential(config, layers, translated, inputs, outputs);
        } else {
            for (JsonNode layer : layers) {
                translated.add(translateLayer(layer, inboundNodes(layer), layers));
            }
            inputs.addAll(endpointNames(config.path("input_layers"), "input_layers"));
            outputs.addAll(endpointNames(config.path("output_layers"), "output_layers"));
        }

        ObjectNode graphConfig = NODES.objectNode();
        graphConfig.put("name", config.path("name").asText("model"));
        graphConfig.set("layers", translated);
        graphConfig.set("input_layers", endpoints(inputs));
        graphConfig.set("output_layers", endpoints(outputs));
        ObjectNode root = NODES.objectNode();
        root.put("class_name", "Model");
        root.set("config", graphConfig);
        root.put("keras_version", kerasMajorVersion == 3 ? "2" : String.valueOf(kerasMajorVersion));
        (kerasMajorVersion == 3 ? Optional.of("tensorflow") : backend).ifPresent(name -> root.put("backend", name));

        Map<String, JsonNode> byName = new LinkedHashMap<>();
        translated.forEach(layer -> byName.put(layer.path("name").asText(), layer));
        List<TensorSpec> inputSpecs = inputs.stream().map(name -> inputSpec(name, byName.get(name))).toList();
        List<KerasGraph.Layer> graphLayers = new ArrayList<>();
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText();
            if (!className.equals("InputLayer")) {
                graphLayers.add(new KerasGraph.Layer(layerName(layer), className, layer.path("config")));
            }
        }
        return new KerasGraph(root.toString(), inputSpecs, outputs, graphLayers, computed, masked);
    }

    /** Functional (Keras 3): the layers called with a {@code mask} keyword argument. */
    private static Set<String> functionalMasked(List<JsonNode> layers) {
        Set<String> masked = new HashSet<>();
        for (JsonNode layer : layers) {
            for (JsonNode node : layer.path("inbound_nodes")) {
                if (node.isObject() && !kerasTensors(node.path("kwargs").path("mask")).isEmpty()) {
                    masked.add(layer.path("name").asText(layer.path("config").path("name").asText()));
                }
            }
        }
        return masked;
    }

    /**
     * Sequential: Keras propagates the mask of a Masking layer or {@code Embedding(mask_zero=True)}
     * through the following layers up to a recurrent layer that returns its last output only.
     */
    private static Set<String> sequentialMasked(List<JsonNode> layers) {
        Set<String> masked = new HashSet<>();
        boolean masking = false;
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText();
            JsonNode config = layer.path("config");
            String name = layer.path("name").asText(config.path("name").asText());
            if (masking && MASK_CONSUMERS.contains(className)) {
                masked.add(name);
                boolean recurrent = RECURRENT.contains(className) || className.equals("Bidirectional");
                JsonNode inner = className.equals("Bidirectional") ? config.path("layer").path("config") : config;
                if (recurrent && !inner.path("return_sequences").asBoolean(false)) {
                    masking = false;
                }
            } else if (masking) {
                masked.add(name);
                masking = false;
            }
            if (className.equals("Masking") || (className.equals("Embedding") && config.path("mask_zero").asBoolean(false))) {
                masking = true;
            }
        }
        return masked;
    }

    /**
     * The layers mlj computes itself: GRU, LayerNormalization, TimeDistributed and Masking always;
     * recurrent layers that run backwards or skip masked steps.
     */
    private static Set<String> computedLayers(List<JsonNode> layers, Set<String> masked) {
        Set<String> computed = new LinkedHashSet<>();
        String previous = null;
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText();
            JsonNode config = layer.path("config");
            String name = layer.path("name").asText(config.path("name").asText());
            JsonNode inner = config.path("layer");
            boolean afterComputed = computed.contains(previous);
            previous = name;
            boolean compute = switch (className) {
                // DL4J's 1D pooling reads sequences that a computed layer hands on in another layout
                case "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D" -> afterComputed;
                case "GRU", "LayerNormalization", "TimeDistributed", "Masking", "ZeroPadding1D", "Cropping1D", "UpSampling1D" -> true;
                case "Conv1D" -> dilation(config) > 1;
                case "LSTM", "SimpleRNN" -> masked.contains(name) || config.path("go_backwards").asBoolean(false);
                case "Bidirectional" -> masked.contains(name) || inner.path("class_name").asText().equals("GRU")
                        || inner.path("config").path("go_backwards").asBoolean(false);
                default -> false;
            };
            if (compute) {
                computed.add(name);
            }
        }
        return computed;
    }

    /** A Conv1D's dilation rate ({@code 2} or {@code [2]}). */
    private static int dilation(JsonNode config) {
        JsonNode rate = config.path("dilation_rate");
        return rate.isArray() ? rate.path(0).asInt(1) : rate.asInt(1);
    }

    /** Layers mlj computes run in a chain only (one input, one output, each layer fed by the one before). */
    private void checkChain(String modelClass, JsonNode config, List<JsonNode> layers) {
        if (computed.isEmpty() || modelClass.equals("Sequential")) {
            return;
        }
        boolean chain = endpointNames(config.path("input_layers"), "input_layers").size() == 1
                && endpointNames(config.path("output_layers"), "output_layers").size() == 1;
        String previous = null;
        for (JsonNode layer : layers) {
            ArrayNode inbound = inboundNodes(layer);
            if (previous != null && (inbound.size() != 1 || inbound.get(0).size() != 1
                    || !inbound.get(0).get(0).get(0).asText().equals(previous))) {
                chain = false;
            }
            previous = layerName(layer);
        }
        if (!chain) {
            List<String> named = layers.stream().filter(layer -> computed.contains(layerName(layer)))
                    .map(layer -> layerName(layer) + " (" + layer.path("class_name").asText()
                            + ": mlj computes it itself, in single-input, single-output chains of layers only)")
                    .toList();
            throw new UnsupportedModelException("The dl4j backend cannot import " + source + ": unsupported layer"
                    + (named.size() > 1 ? "s " : " ") + String.join(", ", named) + ". " + tensorFlowAdvice(), named, null);
        }
    }

    private void checkSupported(String modelClass, List<JsonNode> layers, Set<String> maskOps, Set<String> masked) {
        if (!modelClass.equals("Sequential") && !modelClass.equals("Functional") && !modelClass.equals("Model")) {
            throw new UnsupportedModelException(source + " holds a model of class " + modelClass
                    + "; the dl4j backend imports Sequential and functional models only. " + tensorFlowAdvice());
        }
        List<String> unsupported = new ArrayList<>();
        for (JsonNode layer : layers) {
            String className = layer.path("class_name").asText("?");
            Optional<String> reason = unsupportedReason(className, layer, masked.contains(layerName(layer)));
            for (JsonNode node : layer.path("inbound_nodes")) {
                for (ArrayNode history : kerasTensors(node.isObject() ? node.path("args") : node)) {
                    if (maskOps.contains(history.path(0).asText())) {
                        reason = Optional.of(": takes the op node " + history.path(0).asText() + " as data");
                    }
                }
            }
            reason.ifPresent(why -> unsupported.add(layerName(layer) + " (" + className + why + ")"));
        }
        if (!unsupported.isEmpty()) {
            throw new UnsupportedModelException("The dl4j backend (Deeplearning4j 1.0.0-M2.1) cannot import " + source
                    + ": unsupported layer" + (unsupported.size() > 1 ? "s " : " ") + String.join(", ", unsupported) + ". "
                    + tensorFlowAdvice(), unsupported, null);
        }
    }

    private static String tensorFlowAdvice() {
        return "Run it with the tensorflow backend (org.mlj:mlj-tensorflow) from a SavedModel instead: "
                + "`" + BundleManifest.EXPORT_COMMAND + "` writes a bundle that has one.";
    }

    /** Empty when the layer runs faithfully on dl4j; else ": why". */
    private static Optional<String> unsupportedReason(String className, JsonNode layer, boolean masked) {
        if (!SUPPORTED.contains(className)) {
            return Optional.of(": " + REFUSALS.getOrDefault(className, "no such layer in Deeplearning4j 1.0.0-M2.1"));
        }
        JsonNode config = layer.path("config");
        if (layer.path("inbound_nodes").size() > 1) {
            return Optional.of(": shared layer, called " + layer.path("inbound_nodes").size() + " times");
        }
        if (config.path("groups").asInt(1) != 1) {
            return Optional.of(": grouped convolution");
        }
        if ("gelu".equals(config.path("activation").asText()) && !GELU_LAYERS.contains(className)) {
            return Optional.of(": activation gelu (mlj sets the exact gelu on " + GELU_LAYERS + " layers only)");
        }
        if (className.equals("Conv1D") && dilation(config) > 1) {
            return activationReason(config, List.of("activation"));
        }
        if (masked && !MASK_CONSUMERS.contains(className)) {
            return Optional.of(": receives a mask, which the dl4j backend applies in recurrent layers only");
        }
        boolean bidirectional = className.equals("Bidirectional");
        if (className.equals("TimeDistributed")) {
            JsonNode inner = config.path("layer");
            if (!inner.path("class_name").asText().equals("Dense")) {
                return Optional.of(": TimeDistributed(" + inner.path("class_name").asText("?") + "); only TimeDistributed(Dense) runs on dl4j");
            }
            return activationReason(inner.path("config"), List.of("activation"));
        }
        if (bidirectional && config.path("merge_mode").isNull()) {
            return Optional.of(": merge_mode=None (two outputs)");
        }
        if (RECURRENT.contains(className) || bidirectional) {
            JsonNode recurrent = bidirectional ? config.path("layer").path("config") : config;
            String cell = bidirectional ? config.path("layer").path("class_name").asText() : className;
            if (!RECURRENT.contains(cell)) {
                return Optional.of(": wraps " + cell);
            }
            for (String option : List.of("return_state", "stateful")) {
                if (recurrent.path(option).asBoolean(false)) {
                    return Optional.of(": " + option + "=True");
                }
            }
            boolean computedHere = cell.equals("GRU") || masked || recurrent.path("go_backwards").asBoolean(false);
            if (computedHere) {
                return activationReason(recurrent, cell.equals("SimpleRNN") ? List.of("activation")
                        : List.of("activation", "recurrent_activation"));
            }
        }
        for (JsonNode node : layer.path("inbound_nodes")) {
            if (node.isObject()) {
                JsonNode kwargs = node.path("kwargs");
                for (Iterator<String> keys = kwargs.fieldNames(); keys.hasNext(); ) {
                    String key = keys.next();
                    if (!key.equals("mask") && !kerasTensors(kwargs.path(key)).isEmpty()) {
                        return Optional.of(": tensor keyword argument " + key);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> activationReason(JsonNode config, List<String> keys) {
        for (String key : keys) {
            String activation = config.path(key).asText("linear");
            if (!KerasRecurrence.ACTIVATIONS.contains(activation)) {
                return Optional.of(": " + key + " " + activation + " (mlj computes this layer with " + KerasRecurrence.ACTIVATIONS + " only)");
            }
        }
        return Optional.empty();
    }

    private void translateSequential(JsonNode config, List<JsonNode> layers, ArrayNode translated, List<String> inputs,
                                     List<String> outputs) {
        JsonNode first = layers.get(0);
        String previous;
        int start;
        if (first.path("class_name").asText().equals("InputLayer")) {
            translated.add(translateLayer(first, NODES.arrayNode(), layers));
            previous = layerName(first);
            start = 1;
        } else {
            ObjectNode input = syntheticInput(config, first);
            translated.add(input);
            previous = input.path("name").asText();
            start = 0;
        }
        inputs.add(previous);
        for (int i = start; i < layers.size(); i++) {
            JsonNode layer = layers.get(i);
            translated.add(translateLayer(layer, inboundNode(previous), layers));
            previous = layerName(layer);
        }
        outputs.add(previous);
    }

    /** An InputLayer for a Sequential model whose first layer carries the input shape (Keras 1/2 style). */
    private ObjectNode syntheticInput(JsonNode modelConfig, JsonNode first) {
        JsonNode firstConfig = first.path("config");
        JsonNode shape = firstNonMissing(firstConfig.path("batch_input_shape"), firstConfig.path("batch_shape"),
                modelConfig.path("build_input_shape"), first.path("build_config").path("input_shape"));
        if (!shape.isArray()) {
            throw new ModelLoadException(source + ": the Sequential model records no input shape; build it with keras.Input(shape, name=...)");
        }
        ObjectNode config = NODES.objectNode();
        config.put("name", layerName(first) + "_input");
        config.set("batch_input_shape", shape.deepCopy());
        config.set("dtype", firstConfig.path("dtype").isTextual() ? firstConfig.path("dtype") : NODES.textNode("float32"));
        if (kerasMajorVersion == 1) {
            // Keras 1: DL4J reads an input's layout from its own dim_ordering; without it a "tf" CNN is read as channels first.
            keras1DimOrdering(List.of(first)).ifPresent(order -> config.put("dim_ordering", order));
        }
        ObjectNode input = NODES.objectNode();
        input.put("class_name", "InputLayer");
        input.put("name", config.path("name").asText());
        input.set("config", config);
        input.set("inbound_nodes", NODES.arrayNode());
        return input;
    }

    private static JsonNode firstNonMissing(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (!candidate.isMissingNode() && !candidate.isNull()) {
                return candidate;
            }
        }
        return NODES.missingNode();
    }

    private ObjectNode translateLayer(JsonNode layer, ArrayNode inboundNodes, List<JsonNode> allLayers) {
        String className = layer.path("class_name").asText();
        String name = layerName(layer);
        ObjectNode config = layer.path("config").isObject() ? ((ObjectNode) layer.path("config")).deepCopy() : NODES.objectNode();
        config.put("name", name);
        replaceInitializers(config);
        if ("silu".equals(config.path("activation").asText())) {
            config.put("activation", "swish"); // Keras 3 writes swish as silu; the same function
        }
        if ("gelu".equals(config.path("activation").asText())) {
            config.put("activation", "linear"); // DL4J knows no exact gelu: KerasGraphImporter sets KerasGelu
        }
        if (computed.contains(name)) {
            return placeholder(layer, name, inboundNodes);
        }
        switch (className) {
            case "InputLayer" -> {
                if (!config.has("batch_input_shape") && config.has("batch_shape")) {
                    config.set("batch_input_shape", config.remove("batch_shape"));
                }
            }
            case "Embedding" -> {
                // DL4J zeroes the embedding of id 0 for mask_zero; Keras keeps it and masks the step, which mlj does
                config.put("mask_zero", false);
                if (!config.has("input_length")) {
                    config.set("input_length", embeddingInputLength(layer, inboundNodes, allLayers));
                }
            }
            case "LeakyReLU" -> {
                if (!config.has("alpha") && config.has("negative_slope")) {
                    config.set("alpha", config.get("negative_slope"));
                }
            }
            case "Flatten" -> {
                // Keras 1 flattened in the model's (global) dim ordering; DL4J reads it from the layer and assumes "th" without.
                if (kerasMajorVersion == 1 && !config.has("dim_ordering")) {
                    keras1DimOrdering(allLayers).ifPresent(order -> config.put("dim_ordering", order));
                }
            }
            default -> {
            }
        }
        ObjectNode translated = NODES.objectNode();
        translated.put("class_name", className);
        translated.put("name", name);
        translated.set("config", config);
        translated.set("inbound_nodes", inboundNodes);
        return translated;
    }

    /**
     * A layer DL4J can import in place of one mlj computes, with the same output shape: an LSTM (its
     * weights stay zero) for recurrent and TimeDistributed(Dense) layers, a linear Activation for
     * LayerNormalization, an undilated Conv1D of the same extent, the layer itself for Masking,
     * ZeroPadding1D, Cropping1D and UpSampling1D.
     */
    private static ObjectNode placeholder(JsonNode layer, String name, ArrayNode inboundNodes) {
        String className = layer.path("class_name").asText();
        JsonNode config = layer.path("config");
        ObjectNode translated = NODES.objectNode();
        ObjectNode placeholder = NODES.objectNode();
        placeholder.put("name", name);
        switch (className) {
            case "LayerNormalization" -> {
                translated.put("class_name", "Activation");
                placeholder.put("activation", "linear");
            }
            case "ZeroPadding1D", "Cropping1D", "UpSampling1D", "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D",
                 "GlobalAveragePooling1D" -> {
                // DL4J's own layer computes the output type right (only its arrays are wrong)
                ObjectNode same = ((ObjectNode) config).deepCopy();
                same.put("name", name);
                translated.put("class_name", className);
                translated.put("name", name);
                translated.set("config", same);
                translated.set("inbound_nodes", inboundNodes);
                return translated;
            }
            case "Masking" -> {
                translated.put("class_name", "Masking");
                placeholder.put("mask_value", config.path("mask_value").asDouble(0.0));
            }
            case "Conv1D" -> {
                // the same output shape: the dilated kernel's extent, undilated
                ObjectNode conv = ((ObjectNode) config).deepCopy();
                int size = conv.path("kernel_size").isArray() ? conv.path("kernel_size").path(0).asInt() : conv.path("kernel_size").asInt();
                conv.set("kernel_size", NODES.arrayNode().add((size - 1) * dilation(config) + 1));
                conv.set("dilation_rate", NODES.arrayNode().add(1));
                conv.put("name", name);
                conv.put("activation", "linear");
                for (String key : List.of("kernel", "bias")) {
                    ObjectNode zeros = NODES.objectNode();
                    zeros.put("class_name", "Zeros");
                    zeros.set("config", NODES.objectNode());
                    conv.set(key + "_initializer", zeros);
                }
                translated.put("class_name", "Conv1D");
                translated.put("name", name);
                translated.set("config", conv);
                translated.set("inbound_nodes", inboundNodes);
                return translated;
            }
            default -> {
                JsonNode inner = className.equals("Bidirectional") || className.equals("TimeDistributed")
                        ? config.path("layer").path("config") : config;
                int units = inner.path("units").asInt();
                boolean sequences = className.equals("TimeDistributed") || inner.path("return_sequences").asBoolean(false);
                if (className.equals("Bidirectional") && config.path("merge_mode").asText().equals("concat")) {
                    units *= 2;
                }
                translated.put("class_name", "LSTM");
                placeholder.put("units", units);
                placeholder.put("return_sequences", sequences);
                placeholder.put("activation", "tanh");
                placeholder.put("recurrent_activation", "sigmoid");
                placeholder.put("use_bias", true);
                placeholder.put("unit_forget_bias", false);
                placeholder.put("dropout", 0.0);
                placeholder.put("recurrent_dropout", 0.0);
                for (String flag : List.of("unroll", "stateful", "go_backwards", "return_state")) {
                    placeholder.put(flag, false);
                }
                for (String key : List.of("kernel", "recurrent", "bias")) {
                    ObjectNode zeros = NODES.objectNode();
                    zeros.put("class_name", "Zeros");
                    zeros.set("config", NODES.objectNode());
                    placeholder.set(key + "_initializer", zeros);
                }
            }
        }
        translated.put("name", name);
        translated.set("config", placeholder);
        translated.set("inbound_nodes", inboundNodes);
        return translated;
    }

    /** The dim ordering ({@code tf} or {@code th}) a Keras 1 model's layers declare, if any does. */
    private static Optional<String> keras1DimOrdering(List<JsonNode> layers) {
        return layers.stream().map(layer -> layer.path("config").path("dim_ordering")).filter(JsonNode::isTextual)
                .map(JsonNode::asText).findFirst();
    }

    /** The sequence length an Embedding sees: its build shape, else its input layer's shape, else null (inferred). */
    private JsonNode embeddingInputLength(JsonNode layer, ArrayNode inboundNodes, List<JsonNode> allLayers) {
        JsonNode buildShape = layer.path("build_config").path("input_shape");
        if (buildShape.isArray() && buildShape.size() == 2 && buildShape.get(1).isInt()) {
            return buildShape.get(1);
        }
        if (inboundNodes.size() == 1 && inboundNodes.get(0).size() == 1) {
            String inbound = inboundNodes.get(0).get(0).get(0).asText();
            for (JsonNode candidate : allLayers) {
                JsonNode shape = firstNonMissing(candidate.path("config").path("batch_shape"),
                        candidate.path("config").path("batch_input_shape"));
                if (layerName(candidate).equals(inbound) && shape.isArray() && shape.size() == 2 && shape.get(1).isInt()) {
                    return shape.get(1);
                }
            }
        }
        return NODES.nullNode();
    }

    /** Replaces every initializer, nested layers included, with Zeros (the weights are overwritten anyway). */
    private void replaceInitializers(JsonNode node) {
        if (node.isArray()) {
            node.forEach(this::replaceInitializers);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        List<String> initializers = new ArrayList<>();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            boolean keras1 = kerasMajorVersion == 1 && KERAS1_INITIALIZERS.contains(key) && field.getValue().isTextual();
            if (keras1 || (key.endsWith("_initializer") && field.getValue().isObject())) {
                initializers.add(key);
            } else {
                replaceInitializers(field.getValue());
            }
        }
        for (String key : initializers) {
            if (kerasMajorVersion == 1) {
                object.put(key, "zero");
            } else {
                ObjectNode zeros = NODES.objectNode();
                zeros.put("class_name", "Zeros");
                zeros.set("config", NODES.objectNode());
                object.set(key, zeros);
            }
        }
    }

    /** The inbound nodes of a functional layer in DL4J's form {@code [[[layer, node, tensor, {}], ...]]}. */
    private ArrayNode inboundNodes(JsonNode layer) {
        ArrayNode nodes = NODES.arrayNode();
        for (JsonNode node : layer.path("inbound_nodes")) {
            if (node.isArray()) {
                nodes.add(node.deepCopy());
            } else {
                ArrayNode inputs = NODES.arrayNode();
                for (JsonNode history : kerasTensors(node.path("args"))) {
                    ArrayNode reference = history.deepCopy();
                    reference.add(NODES.objectNode());
                    inputs.add(reference);
                }
                nodes.add(inputs);
            }
        }
        return nodes;
    }

    private static ArrayNode inboundNode(String previous) {
        ArrayNode reference = NODES.arrayNode().add(previous).add(0).add(0).add(NODES.objectNode());
        return NODES.arrayNode().add(NODES.arrayNode().add(reference));
    }

    /** The {@code keras_history} of every Keras 3 tensor in a node's args, in order. */
    private static List<ArrayNode> kerasTensors(JsonNode node) {
        List<ArrayNode> found = new ArrayList<>();
        collectKerasTensors(node, found);
        return found;
    }

    private static void collectKerasTensors(JsonNode node, List<ArrayNode> found) {
        if (node.isObject() && "__keras_tensor__".equals(node.path("class_name").asText())) {
            JsonNode history = node.path("config").path("keras_history");
            if (history.isArray()) {
                found.add((ArrayNode) history);
            }
        } else if (node.isContainerNode()) {
            node.forEach(child -> collectKerasTensors(child, found));
        }
    }

    /** Names from {@code input_layers}/{@code output_layers}, flat (Keras 3, one endpoint) or nested. */
    private List<String> endpointNames(JsonNode endpoints, String field) {
        List<String> names = new ArrayList<>();
        if (endpoints.isArray() && endpoints.size() > 0 && endpoints.get(0).isTextual()) {
            names.add(endpoints.get(0).asText());
        } else {
            endpoints.forEach(endpoint -> names.add(endpoint.path(0).asText()));
        }
        if (names.isEmpty() || names.contains("")) {
            throw new ModelLoadException(source + ": the model config has no valid " + field);
        }
        return names;
    }

    private static ArrayNode endpoints(List<String> names) {
        ArrayNode endpoints = NODES.arrayNode();
        names.forEach(name -> endpoints.add(NODES.arrayNode().add(name).add(0).add(0)));
        return endpoints;
    }

    private TensorSpec inputSpec(String name, JsonNode layer) {
        if (layer == null || !layer.path("class_name").asText().equals("InputLayer")) {
            throw new ModelLoadException(source + ": model input '" + name + "' is not an InputLayer of the config");
        }
        JsonNode config = layer.path("config");
        JsonNode shape = config.path("batch_input_shape");
        if (!shape.isArray() || shape.size() < 2) {
            throw new ModelLoadException(source + ": input layer '" + name + "' has no batch shape");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode dim = shape.get(i);
            if (i > 0 && !dim.isNull() && (!dim.canConvertToExactIntegral() || dim.asLong() < 1)) {
                throw new ModelLoadException(source + ": input layer '" + name + "' has batch shape " + shape
                        + "; dimension " + i + " must be a positive integer or null");
            }
            dims[i] = i == 0 || dim.isNull() ? Shape.UNKNOWN : dim.asLong();
        }
        JsonNode dtypeNode = firstNonMissing(config.path("dtype"), config.path("input_dtype"));
        String dtypeName = dtypeNode.isObject() ? dtypeNode.path("config").path("name").asText("float32") : dtypeNode.asText("float32");
        DType dtype;
        try {
            dtype = DType.fromPythonName(dtypeName);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(source + ": input '" + name + "' has dtype " + dtypeName
                    + "; the dl4j backend takes numeric inputs", List.of(name + " (InputLayer: dtype " + dtypeName + ")"), e);
        }
        if (!dtype.isFixedSize()) {
            throw new UnsupportedModelException(source + ": input '" + name + "' takes strings; the dl4j backend takes numeric inputs. "
                    + tensorFlowAdvice(), List.of(name + " (InputLayer: dtype " + dtypeName + ")"), null);
        }
        String layout = switch (dims.length) {
            case 2 -> dtype == DType.FLOAT32 || dtype == DType.FLOAT64 ? "NC" : "NT";
            case 3 -> "NTC";
            case 4 -> "NHWC";
            default -> null;
        };
        return new TensorSpec(name, dtype, Shape.of(dims), layout, false);
    }

    private String layerName(JsonNode layer) {
        String name = layer.path("name").asText(layer.path("config").path("name").asText(""));
        if (name.isEmpty()) {
            throw new ModelLoadException(source + ": a layer of class " + layer.path("class_name").asText("?") + " has no name");
        }
        return name;
    }
}
