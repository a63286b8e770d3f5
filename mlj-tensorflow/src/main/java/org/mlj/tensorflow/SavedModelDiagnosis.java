package org.mlj.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mlj.api.MljException;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.UnsupportedModelException;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;

/**
 * Explains why TensorFlow refused to load a SavedModel, in terms a user can act on. TensorFlow's own
 * messages are terse ("Op type not registered ...", "Could not find meta graph def matching supplied
 * tags"), so after a failure this reads {@code saved_model.pb} itself: a file that does not parse is
 * corrupt; a missing tag-set is reported with the tag-sets present; ops the runtime does not register
 * are named with the runtime version; failures while restoring point at {@code variables/}. It also
 * catches the one failure TensorFlow lets through: a graph with variables but no checkpoint loads
 * "successfully" and fails on every call.
 *
 * <p>Reads {@code saved_model.pb} only after a failure; a successful load pays for one file check and
 * a scan of the graph's nodes. Stateless and thread-safe.
 */
final class SavedModelDiagnosis {
    private static final Set<String> VARIABLE_OPS = Set.of("VarHandleOp", "_VarHandlesOp", "VariableV2", "Variable");
    private static final Pattern RESTORE_FAILURE = Pattern.compile("variables|restore|checkpoint|tensor_bundle|table file");

    private SavedModelDiagnosis() {
    }

    /**
     * Checks that a loaded graph that has variables also had a checkpoint to restore them from.
     *
     * @throws ModelLoadException if {@code variables/variables.index} is missing while the graph has variables
     */
    static void requireVariables(Path directory, MetaGraphDef metaGraph) {
        Path index = directory.resolve("variables").resolve("variables.index");
        if (!Files.isRegularFile(index) && metaGraph.getGraphDef().getNodeList().stream().anyMatch(node -> VARIABLE_OPS.contains(node.getOp()))) {
            throw new ModelLoadException("Cannot restore the variables of SavedModel " + directory + ": its graph has variables but "
                    + index + " is missing; copy the whole SavedModel directory (with variables/) or re-export the model");
        }
    }

    /**
     * Checks, before the native load, that the meta graph tagged {@code tags} has a signature named
     * {@code name}. Problems that the native load itself reports better (a corrupt file, missing tags)
     * are left to it.
     *
     * @throws ModelLoadException if there is no such signature, listing the ones there are
     */
    static void requireSignature(Path directory, List<String> tags, String name) {
        SavedModel savedModel;
        try {
            savedModel = read(directory);
        } catch (IOException e) {
            return;
        }
        savedModel.getMetaGraphsList().stream()
                .filter(graph -> Set.copyOf(graph.getMetaInfoDef().getTagsList()).equals(Set.copyOf(tags)))
                .findFirst()
                .map(graph -> graph.getSignatureDefMap().keySet())
                .filter(names -> !names.contains(name))
                .ifPresent(names -> {
                    throw new ModelLoadException("Unknown signature '" + name + "'; the model has "
                            + names.stream().filter(n -> !n.startsWith("__")).sorted().toList());
                });
    }

    /**
     * The exception to throw for a failed load.
     *
     * @param directory the SavedModel directory
     * @param tags the tags asked for
     * @param failure what TensorFlow Java threw
     * @return a {@link ModelLoadException}, or an {@link UnsupportedModelException} for unknown ops
     */
    static MljException explain(Path directory, List<String> tags, RuntimeException failure) {
        String runtime = "TensorFlow " + TensorFlow.version();
        SavedModel savedModel;
        try {
            savedModel = read(directory);
        } catch (InvalidProtocolBufferException | TextFormat.ParseException e) {
            return new ModelLoadException("SavedModel " + directory + " is corrupt: its saved_model.pb does not parse ("
                    + e.getMessage() + "); re-export the model", failure);
        } catch (IOException e) {
            return new ModelLoadException("Cannot read SavedModel " + directory + ": " + e, failure);
        }
        Optional<MetaGraphDef> metaGraph = savedModel.getMetaGraphsList().stream()
                .filter(graph -> Set.copyOf(graph.getMetaInfoDef().getTagsList()).equals(Set.copyOf(tags)))
                .findFirst();
        if (metaGraph.isEmpty()) {
            return new ModelLoadException("SavedModel " + directory + " has no meta graph tagged " + tags + "; its tag-sets are "
                    + savedModel.getMetaGraphsList().stream().map(graph -> graph.getMetaInfoDef().getTagsList()).toList()
                    + ": pass one with the load option " + TensorFlowBackend.TAGS.key(), failure);
        }
        List<String> unknownOps = unknownOps(metaGraph.get());
        if (!unknownOps.isEmpty()) {
            return new UnsupportedModelException("SavedModel " + directory + " uses op" + (unknownOps.size() > 1 ? "s " : " ")
                    + String.join(", ", unknownOps) + " that " + runtime + " (the runtime of mlj-tensorflow) does not know; "
                    + "export the model without custom ops, with a TensorFlow release whose ops this runtime has", unknownOps, failure);
        }
        String message = String.valueOf(failure.getMessage());
        if (RESTORE_FAILURE.matcher(message.toLowerCase(Locale.ROOT)).find()) {
            return new ModelLoadException("Cannot restore the variables of SavedModel " + directory
                    + ": its variables/ folder is missing or corrupt; copy the whole SavedModel directory or re-export the model ("
                    + runtime + ": " + message + ")", failure);
        }
        return new ModelLoadException(runtime + " cannot load SavedModel " + directory + " with tags " + tags + ": " + message, failure);
    }

    /** Parses {@code saved_model.pb} (or {@code saved_model.pbtxt}). */
    static SavedModel read(Path directory) throws IOException {
        Path binary = directory.resolve(ModelFormat.SAVED_MODEL_FILE);
        if (Files.isRegularFile(binary)) {
            return ProtoFiles.readBinary(binary, SavedModel.parser());
        }
        return ProtoFiles.readText(directory.resolve(ModelFormat.SAVED_MODEL_TEXT_FILE), SavedModel.newBuilder()).build();
    }

    private static List<String> unknownOps(MetaGraphDef metaGraph) {
        return unknownOps(metaGraph.getGraphDef());
    }

    /**
     * Op types the graph or its functions use that are neither registered in this runtime nor functions
     * of the graph. The registry is read once (parsing it takes ~0.1 s) and read again only when an op
     * seems unknown, in case a library registered it since.
     */
    static List<String> unknownOps(GraphDef graph) {
        List<String> unknown = unknownOps(graph, RegisteredOps.atLoad);
        if (!unknown.isEmpty()) {
            RegisteredOps.atLoad = RegisteredOps.read();
            unknown = unknownOps(graph, RegisteredOps.atLoad);
        }
        return unknown;
    }

    private static List<String> unknownOps(GraphDef graph, Set<String> registered) {
        Set<String> functions = graph.getLibrary().getFunctionList().stream().map(function -> function.getSignature().getName())
                .collect(Collectors.toSet());
        return Stream.concat(graph.getNodeList().stream(), graph.getLibrary().getFunctionList().stream().flatMap(f -> f.getNodeDefList().stream()))
                .map(NodeDef::getOp)
                .filter(op -> !registered.contains(op) && !functions.contains(op))
                .collect(Collectors.toCollection(TreeSet::new))
                .stream().toList();
    }

    /** The op names the runtime registers, read on first use (lazy holder). */
    private static final class RegisteredOps {
        static volatile Set<String> atLoad = read();

        static Set<String> read() {
            return TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName).collect(Collectors.toUnmodifiableSet());
        }
    }
}
