package org.mlj.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.ModelSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Loads a TensorFlow 1 frozen graph ({@code frozen_model.pb}: a binary {@code GraphDef} whose variables
 * were folded into constants) into a graph and session, with one signature {@code serving_default}.
 *
 * <p><b>Inputs</b> are the graph's {@code Placeholder}s that the outputs depend on, named by their node
 * names, with the dtype and shape of their attributes (no {@code shape} attribute or an unknown rank
 * gives {@link Shape#unknownRank()}); a {@code PlaceholderWithDefault} is an optional input that keeps
 * its default when left out, and a bool {@code keras_learning_phase} is fed {@code false} when left out.
 * <b>Outputs</b> are the tensors listed by the load option {@link TensorFlowBackend#OUTPUTS}
 * ({@code logits,probabilities}; {@code name} means {@code name:0}, {@code name:1} the second output of
 * node {@code name}), in that order, else the graph's sinks: the outputs of the nodes no other node
 * consumes, excluding constants, placeholders, no-ops and assertions, in graph order.
 *
 * <p>Everything is checked on the parsed protobuf before any native call: ops the runtime does not
 * register and variables left in the graph (not frozen) are refused naming the nodes, and placeholders
 * of a dtype mlj does not carry are refused naming them. Stateless and thread-safe.
 */
final class FrozenGraphLoader {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenGraphLoader.class);
    private static final Set<String> PLACEHOLDERS = Set.of("Placeholder", "PlaceholderWithDefault");
    private static final Set<String> NOT_SINKS = Set.of("Const", "Placeholder", "PlaceholderWithDefault", "NoOp", "Assert",
            "Print", "PrintV2", "SaveV2", "RestoreV2", "Save", "Restore", "SaveSlices", "RestoreSlice");
    private static final Set<String> VARIABLES = Set.of("VariableV2", "Variable", "VarHandleOp", "_VarHandlesOp");

    private FrozenGraphLoader() {
    }

    /**
     * Loads the frozen graph of {@code source}.
     *
     * @throws ModelLoadException if the file does not parse, an output named by the option is not in the graph
     * @throws UnsupportedModelException for unknown ops, variables, or placeholders of an unsupported dtype
     */
    static TensorFlowModel load(ModelSource source, LoadOptions options, ConfigProto config) {
        long start = System.nanoTime();
        Path file = source.path();
        Plan plan = plan(file, options);
        List<String> requested = TensorFlowBackend.OUTPUTS.get(options);

        Graph graph = new Graph();
        try {
            try {
                graph.importGraphDef(plan.graphDef());
            } catch (IllegalArgumentException e) {
                throw new ModelLoadException("TensorFlow " + TensorFlow.version() + " cannot import frozen graph " + file + ": " + e.getMessage(), e);
            }
            BoundSignature signature = bind(file, graph, plan);
            List<TensorSpec> outputs = signature.signature().outputs();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("graph_def", file.toString());
            details.put("nodes", Integer.toString(plan.graphDef().getNodeCount()));
            details.put("outputs", String.join(",", outputs.stream().map(TensorSpec::name).toList())
                    + (!requested.isEmpty() ? " (" + TensorFlowBackend.OUTPUTS.key() + ")" : " (the graph's sinks)"));
            Session session = config == null ? new Session(graph) : new Session(graph, config);
            TensorFlowModel model;
            try {
                model = TensorFlowModel.ofGraph(source, () -> {
                    session.close();
                    graph.close();
                }, session, signature, details, options);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            LOG.info("Loaded frozen graph {} with TensorFlow {} in {} ms: {}", file, TensorFlow.version(),
                    (System.nanoTime() - start) / 1_000_000, model.signature());
            return model;
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /**
     * What the file alone decides, in Java, before anything native sees the graph: the parsed graph, the
     * outputs to fetch and the inputs to feed.
     *
     * @param graphDef the parsed graph, with runnable, allowed ops only and no variables
     * @param outputNames the tensors to fetch ({@code name} or {@code name:index}), each naming a node
     * @param inputs the placeholders the outputs depend on, in graph order, as specs
     */
    record Plan(GraphDef graphDef, List<String> outputNames, List<TensorSpec> inputs) {
    }

    /**
     * Parses and checks {@code file} and resolves its inputs and outputs under {@code options}.
     *
     * @throws ModelLoadException if the file does not parse or an output named by the option is not in the graph
     * @throws UnsupportedModelException for unknown ops, ops outside the allowlist, variables, or placeholders
     *     of an unsupported dtype
     */
    static Plan plan(Path file, LoadOptions options) {
        GraphDef graphDef = read(file);
        Map<String, NodeDef> nodes = new LinkedHashMap<>();
        graphDef.getNodeList().forEach(node -> nodes.put(node.getName(), node));
        refuseUnrunnable(file, graphDef);
        SavedModelOps.check(file, graphDef, options);
        List<String> outputNames = outputNames(file, graphDef, nodes, TensorFlowBackend.OUTPUTS.get(options));
        List<TensorSpec> inputs = new ArrayList<>();
        for (NodeDef node : placeholders(file, nodes, outputNames)) {
            TensorSpec spec = TensorSpec.of(node.getName(), dtype(node).orElseThrow(), shape(node));
            boolean optional = node.getOp().equals("PlaceholderWithDefault")
                    || (spec.dtype() == DType.BOOL && node.getName().equals(SignatureReader.LEARNING_PHASE));
            inputs.add(optional ? spec.asOptional() : spec);
        }
        return new Plan(graphDef, outputNames, inputs);
    }

    /** The outputs asked for, each checked to name a node, else the graph's sinks. */
    private static List<String> outputNames(Path file, GraphDef graphDef, Map<String, NodeDef> nodes, List<String> requested) {
        List<String> outputNames = requested.isEmpty() ? sinks(graphDef, nodes) : requested;
        if (outputNames.isEmpty()) {
            throw new ModelLoadException("Frozen graph " + file + " has no sink node to return; name its outputs with load option "
                    + TensorFlowBackend.OUTPUTS.key() + "=NAME[,NAME...] (CLI: --outputs)");
        }
        for (String output : outputNames) {
            if (!nodes.containsKey(nodeName(output))) {
                throw new ModelLoadException("Frozen graph " + file + " has no node '" + nodeName(output) + "' (" + TensorFlowBackend.OUTPUTS.key() + "="
                        + String.join(",", requested) + "); its sinks are " + sinks(graphDef, nodes));
            }
        }
        return outputNames;
    }

    /** The signature: placeholders as inputs, the named tensors as outputs, bound to the imported graph. */
    private static BoundSignature bind(Path file, Graph graph, Plan plan) {
        List<Output<?>> feeds = new ArrayList<>();
        for (TensorSpec input : plan.inputs()) {
            feeds.add(graph.outputOrThrow(input.name()));
        }
        List<TensorSpec> outputs = new ArrayList<>();
        Map<String, Output<?>> fetches = new LinkedHashMap<>();
        for (String name : plan.outputNames()) {
            Output<?> tensor = output(file, graph, name);
            String key = name.endsWith(":0") ? name.substring(0, name.length() - 2) : name;
            DType dtype = TensorConversion.dtype(tensor.dataType()).orElseThrow(() -> new UnsupportedModelException("Frozen graph "
                    + file + ": output '" + key + "' is of type " + tensor.dataType()
                    + " (mlj carries float32, float64, int32, int64, bool, uint8 and string)"));
            outputs.add(TensorSpec.of(key, dtype, shape(tensor.shape())));
            fetches.put(key, tensor);
        }
        return new BoundSignature(new Signature("serving_default", plan.inputs(), outputs), feeds, fetches);
    }

    private static GraphDef read(Path file) {
        try {
            GraphDef graph = ProtoFiles.readBinary(file, GraphDef.parser());
            if (graph.getNodeCount() == 0) {
                throw new ModelLoadException("Frozen graph " + file + " has no nodes: not a TensorFlow GraphDef");
            }
            return graph;
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException("Frozen graph " + file + " is corrupt: it does not parse as a TensorFlow GraphDef ("
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read frozen graph " + file + ": " + e, e);
        }
    }

    /** Unknown ops and unfrozen variables, named, before anything native runs. */
    private static void refuseUnrunnable(Path file, GraphDef graphDef) {
        List<String> unknown = SavedModelDiagnosis.unknownOps(graphDef);
        if (!unknown.isEmpty()) {
            throw new UnsupportedModelException("Frozen graph " + file + " uses op" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " that TensorFlow " + TensorFlow.version()
                    + " (the runtime of mlj-tensorflow) does not know", unknown, null);
        }
        List<String> variables = graphDef.getNodeList().stream().filter(node -> VARIABLES.contains(node.getOp()))
                .map(node -> node.getName() + " (" + node.getOp() + ")").toList();
        if (!variables.isEmpty()) {
            throw new UnsupportedModelException("Graph " + file + " is not frozen: it still has variables " + variables
                    + ", whose values a GraphDef does not hold; freeze it (tf.compat.v1.graph_util.convert_variables_to_constants) "
                    + "or export a SavedModel", variables, null);
        }
    }

    /** Nodes whose outputs no other node consumes, that compute something, in graph order. */
    private static List<String> sinks(GraphDef graphDef, Map<String, NodeDef> nodes) {
        Set<String> consumed = new HashSet<>();
        for (NodeDef node : graphDef.getNodeList()) {
            node.getInputList().forEach(input -> consumed.add(nodeName(input)));
        }
        return nodes.values().stream().filter(node -> !consumed.contains(node.getName()) && !NOT_SINKS.contains(node.getOp()))
                .map(NodeDef::getName).toList();
    }

    /** The placeholders the outputs depend on, in graph order; refuses those of a dtype mlj does not carry. */
    private static List<NodeDef> placeholders(Path file, Map<String, NodeDef> nodes, List<String> outputs) {
        Set<String> needed = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(outputs.stream().map(FrozenGraphLoader::nodeName).toList());
        while (!pending.isEmpty()) {
            String name = pending.pop();
            NodeDef node = nodes.get(name);
            if (node != null && needed.add(name)) {
                node.getInputList().forEach(input -> pending.push(nodeName(input)));
            }
        }
        List<NodeDef> placeholders = nodes.values().stream()
                .filter(node -> PLACEHOLDERS.contains(node.getOp()) && needed.contains(node.getName())).toList();
        Set<String> unsupported = new TreeSet<>();
        placeholders.stream().filter(node -> dtype(node).isEmpty())
                .forEach(node -> unsupported.add(node.getName() + " (" + node.getAttrOrDefault("dtype", AttrValue.getDefaultInstance()).getType() + ")"));
        if (!unsupported.isEmpty()) {
            throw new UnsupportedModelException("Frozen graph " + file + " has placeholders " + unsupported
                    + " of types mlj does not carry (float32, float64, int32, int64, bool, uint8, string)", List.copyOf(unsupported), null);
        }
        return placeholders;
    }

    /** {@code name} of {@code name}, {@code name:1} and the control input {@code ^name}. */
    private static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.lastIndexOf(':');
        return colon > 0 && name.substring(colon + 1).chars().allMatch(Character::isDigit) ? name.substring(0, colon) : name;
    }

    private static Output<?> output(Path file, Graph graph, String name) {
        String node = nodeName(name);
        long index = node.equals(name) ? 0 : outputIndex(name.substring(node.length() + 1));
        GraphOperation operation = graph.operation(node);
        if (operation == null || index >= operation.numOutputs()) {
            throw new ModelLoadException("Frozen graph " + file + " has no tensor '" + name + "'"
                    + (operation == null ? "" : ": node " + node + " (" + operation.type() + ") has " + operation.numOutputs() + " outputs"));
        }
        return operation.output((int) index);
    }

    /** The digits after the colon of {@code name:index}; past {@code int}, past every node's outputs. */
    private static long outputIndex(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Optional<DType> dtype(NodeDef node) {
        AttrValue type = node.getAttrMap().get("dtype");
        return type == null ? Optional.empty() : TensorConversion.dtype(type.getType());
    }

    private static Shape shape(NodeDef node) {
        AttrValue shape = node.getAttrMap().get("shape");
        if (shape == null) {
            return Shape.unknownRank();
        }
        TensorShapeProto proto = shape.getShape();
        return proto.getUnknownRank() ? Shape.unknownRank()
                : Shape.of(proto.getDimList().stream().mapToLong(dim -> Math.max(dim.getSize(), Shape.UNKNOWN)).toArray());
    }

    private static Shape shape(org.tensorflow.ndarray.Shape shape) {
        if (shape.isUnknown()) {
            return Shape.unknownRank();
        }
        long[] dims = new long[shape.numDimensions()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Math.max(shape.get(i), Shape.UNKNOWN);
        }
        return Shape.of(dims);
    }
}
