package org.mlj.tensorflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;
import org.mlj.api.UnsupportedModelException;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The SavedModel safety check: a SavedModel is a program, and its graph may read, write, list or
 * delete files ({@code ReadFile}, {@code WriteFile}, {@code MatchingFiles}, ...). Before TensorFlow
 * sees a SavedModel, mlj collects every op that loading or calling it can run and refuses the model
 * when one is not on the allowlist of side-effect-free compute ops, naming the ops. (An op this
 * TensorFlow runtime does not register cannot run at all; it is left to {@link SavedModelDiagnosis}.)
 *
 * <p><b>What is checked.</b> The ops TensorFlow can run for this meta graph: everything reachable from
 * the outputs of every signature (including {@code __saved_model_init_op}), from the TF1 init-op
 * collections ({@code saved_model_main_op}, {@code legacy_init_op}, {@code table_initializer}) and from
 * the saver's restore op; through node inputs (data and control) into every function they call
 * ({@code StatefulPartitionedCall}'s {@code f}, {@code While}/{@code If} bodies and branches, ops named
 * after a library function), where every node counts. Nodes that nothing reachable uses (such as the
 * saver's {@code SaveV2} subgraph, which mlj never runs) are not checked.
 *
 * <p><b>The allowlist</b> is the resource {@code org/mlj/tensorflow/allowed-ops.txt} (one op a line,
 * grouped and commented): the ops of the committed example models plus TensorFlow's standard math,
 * neural-network, array, string-formatting, control-flow, variable and checkpoint-restore ops. None of
 * them touches the file system, the network or the process, except {@code RestoreV2}, which reads the
 * checkpoint the loader names.
 *
 * <p><b>Opting in.</b> The load option {@value #ALLOW_OPS_PROPERTY} adds ops to the
 * allowlist for one load: a comma-separated list (e.g. {@code InitializeTableFromTextFileV2} for a
 * string lookup table that reads its vocabulary from an asset file), or {@code *} to run any op.
 *
 * <p>Stateless and thread-safe.
 */
final class SavedModelOps {
    /** The {@code LoadOptions} property that allows more ops: a comma-separated list, or {@code *}. */
    static final String ALLOW_OPS_PROPERTY = "tensorflow.allowOps";
    /** The resource that lists the allowed ops. */
    static final String ALLOWLIST_RESOURCE = "allowed-ops.txt";

    private static final Set<String> ALLOWED = readAllowlist();
    private static final List<String> INIT_COLLECTIONS = List.of("saved_model_main_op", "legacy_init_op", "main_op",
            "table_initializer", "init_op");

    private SavedModelOps() {
    }

    /** The ops allowed by default. */
    static Set<String> allowlist() {
        return ALLOWED;
    }

    /**
     * Reads {@code saved_model.pb} and refuses the model if the meta graph tagged {@code tags} can run an
     * op outside the allowlist. A file that does not parse is refused (fail closed: what mlj cannot
     * check, TensorFlow does not load); a missing meta graph is left to TensorFlow's load and
     * {@link SavedModelDiagnosis}.
     *
     * @throws UnsupportedModelException naming the ops and the option that allows them
     * @throws ModelLoadException if {@code saved_model.pb} cannot be read or parsed
     */
    static void check(Path directory, List<String> tags, LoadOptions options) {
        SavedModel savedModel;
        try {
            savedModel = SavedModelDiagnosis.read(directory);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("SavedModel " + directory + " is corrupt: its saved_model.pb does not parse ("
                    + e.getMessage() + "); re-export the model", e);
        }
        Set<String> wanted = Set.copyOf(tags);
        savedModel.getMetaGraphsList().stream()
                .filter(graph -> Set.copyOf(graph.getMetaInfoDef().getTagsList()).equals(wanted))
                .findFirst()
                .ifPresent(metaGraph -> check(directory, metaGraph, options));
    }

    /**
     * Refuses a meta graph that can run an op outside the allowlist and the ops {@code options} allow.
     *
     * @throws UnsupportedModelException naming the ops and the option that allows them
         */
    static void check(Path directory, MetaGraphDef metaGraph, LoadOptions options) {
        refuseOutsideAllowlist("SavedModel " + directory, reachableOps(metaGraph), options);
    }

    /**
     * Refuses a frozen graph holding an op outside the allowlist and the ops {@code options} allow. Every
     * node counts, not only those the outputs depend on: a frozen graph's outputs are the user's choice.
     *
     * @throws UnsupportedModelException naming the ops and the option that allows them
     */
    static void check(Path file, GraphDef graphDef, LoadOptions options) {
        refuseOutsideAllowlist("Frozen graph " + file, reachableOps(graphDef,
                graphDef.getNodeList().stream().map(NodeDef::getName).toList()), options);
    }

    private static void refuseOutsideAllowlist(String model, Set<String> ops, LoadOptions options) {
        Set<String> extra = allowedByOption(options);
        if (extra.contains("*")) {
            return;
        }
        Set<String> registered = RegisteredOps.NAMES;
        List<String> refused = ops.stream()
                .filter(op -> !ALLOWED.contains(op) && !extra.contains(op) && registered.contains(op))
                .toList();
        if (!refused.isEmpty()) {
            throw new UnsupportedModelException(model + " is refused: its graph can run op"
                    + (refused.size() > 1 ? "s " : " ") + String.join(", ", refused)
                    + ", outside mlj's allowlist of side-effect-free compute ops (they can read, write or list files, "
                    + "or act outside the model). If you trust this model, allow exactly these ops with the load option "
                    + ALLOW_OPS_PROPERTY + "=" + String.join(",", refused), refused.stream().map(op -> op + " (op)").toList(), null);
        }
    }

    /** The ops this TensorFlow runtime registers; an op it lacks cannot run, and SavedModelDiagnosis names it. */
    private static final class RegisteredOps {
        static final Set<String> NAMES = TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static Set<String> allowedByOption(LoadOptions options) {
        return Set.copyOf(TensorFlowBackend.ALLOW_OPS.get(options));
    }

    /** Every op (not function) that loading or calling {@code metaGraph} can run, sorted. */
    static Set<String> reachableOps(MetaGraphDef metaGraph) {
        Deque<String> pendingNodes = new ArrayDeque<>();
        for (SignatureDef signature : metaGraph.getSignatureDefMap().values()) {
            signature.getOutputsMap().values().forEach(output -> tensorNames(output).forEach(pendingNodes::add));
        }
        for (String collection : INIT_COLLECTIONS) {
            CollectionDef def = metaGraph.getCollectionDefMap().get(collection);
            if (def != null) {
                pendingNodes.addAll(def.getNodeList().getValueList());
            }
        }
        if (!metaGraph.getSaverDef().getRestoreOpName().isEmpty()) {
            pendingNodes.add(metaGraph.getSaverDef().getRestoreOpName());
        }
        return reachableOps(metaGraph.getGraphDef(), pendingNodes);
    }

    /** Every op (not function) that running the nodes {@code start} of {@code graphDef} can run, sorted. */
    private static Set<String> reachableOps(GraphDef graphDef, Collection<String> start) {
        Map<String, NodeDef> nodes = new HashMap<>();
        graphDef.getNodeList().forEach(node -> nodes.put(node.getName(), node));
        Map<String, FunctionDef> functions = new HashMap<>();
        graphDef.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));
        Deque<String> pendingNodes = new ArrayDeque<>(start);

        Set<String> ops = new TreeSet<>();
        Set<String> seenNodes = new HashSet<>();
        Set<String> seenFunctions = new HashSet<>();
        Deque<String> pendingFunctions = new ArrayDeque<>();
        while (!pendingNodes.isEmpty()) {
            String name = nodeName(pendingNodes.pop());
            NodeDef node = nodes.get(name);
            if (node == null || !seenNodes.add(name)) {
                continue;
            }
            visit(node, functions, ops, pendingFunctions);
            pendingNodes.addAll(node.getInputList());
        }
        while (!pendingFunctions.isEmpty()) {
            FunctionDef function = functions.get(pendingFunctions.pop());
            if (function == null || !seenFunctions.add(function.getSignature().getName())) {
                continue;
            }
            function.getNodeDefList().forEach(node -> visit(node, functions, ops, pendingFunctions));
        }
        return ops;
    }

    private static void visit(NodeDef node, Map<String, FunctionDef> functions, Set<String> ops, Deque<String> pendingFunctions) {
        if (functions.containsKey(node.getOp())) {
            pendingFunctions.add(node.getOp());
        } else {
            ops.add(node.getOp());
        }
        for (AttrValue attr : node.getAttrMap().values()) {
            if (attr.hasFunc()) {
                pendingFunctions.add(attr.getFunc().getName());
            }
            for (NameAttrList function : attr.getList().getFuncList()) {
                pendingFunctions.add(function.getName());
            }
        }
    }

    private static List<String> tensorNames(TensorInfo info) {
        if (info.hasCooSparse()) {
            return List.of(info.getCooSparse().getValuesTensorName(), info.getCooSparse().getIndicesTensorName(),
                    info.getCooSparse().getDenseShapeTensorName());
        }
        if (info.hasCompositeTensor()) {
            return info.getCompositeTensor().getComponentsList().stream().flatMap(c -> tensorNames(c).stream()).toList();
        }
        return List.of(info.getName());
    }

    /** {@code ^name}, {@code name:1} and {@code name} all name node {@code name}. */
    private static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static Set<String> readAllowlist() {
        try (InputStream in = SavedModelOps.class.getResourceAsStream(ALLOWLIST_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("mlj-tensorflow is missing its resource " + ALLOWLIST_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
