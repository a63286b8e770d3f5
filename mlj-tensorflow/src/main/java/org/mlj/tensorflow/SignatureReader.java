package org.mlj.tensorflow;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Turns the {@code SignatureDef}s of a loaded SavedModel into mlj {@link Signature}s bound to graph
 * tensors. Inputs and outputs are named by their signature keys ({@code image}, {@code output_0}),
 * never by graph tensor names.
 *
 * <p><b>Order.</b> A SavedModel stores inputs and outputs in protobuf maps, which have no order, so
 * the order is reconstructed:
 * <ol>
 *   <li>With a bundle manifest, the default signature takes the manifest's inputs and outputs (model
 *       order, with layouts) and the layer-outputs signature takes the manifest's layer order; the
 *       keys and dtypes must match the SavedModel's, else the bundle is inconsistent
 *       ({@link ModelLoadException}).</li>
 *   <li>Outputs keyed {@code output_0, output_1, ...} (Keras {@code model.export}) are sorted by
 *       that number: {@code output_2} comes before {@code output_10}.</li>
 *   <li>Anything else is sorted by graph tensor name in natural order (digit runs compare as
 *       numbers: {@code StatefulPartitionedCall:2} before {@code StatefulPartitionedCall:10}), then
 *       by key. For TF2 exports this is the order of the function's flattened results, which for
 *       dicts is key order.</li>
 * </ol>
 *
 * <p>A bool input keyed or named {@code keras_learning_phase} (TF1-era Keras exports) is marked
 * optional; the model feeds {@code false} when the caller leaves it out. Signatures whose keys start
 * with {@code __} ({@code __saved_model_init_op}) are markers, not entry points, and are skipped, as
 * are signatures with a tensor of a dtype mlj does not carry (logged), unless that is the one asked
 * for. Used once per load, on the loading thread.
 */
final class SignatureReader {
    /** Key of the TF1 Keras training-mode flag. */
    static final String LEARNING_PHASE = "keras_learning_phase";

    private static final Logger LOG = LoggerFactory.getLogger(SignatureReader.class);
    private static final Pattern KERAS_OUTPUT = Pattern.compile("output_(\\d+)");
    private static final Pattern DIGITS = Pattern.compile("\\d+|\\D+");

    private final Path path;
    private final Graph graph;
    private final Optional<BundleManifest> manifest;

    /**
     * @param path the model path, for messages
     * @param graph the loaded graph whose tensors the signatures name
     * @param manifest the bundle manifest, if any
     */
    SignatureReader(Path path, Graph graph, Optional<BundleManifest> manifest) {
        this.path = path;
        this.graph = graph;
        this.manifest = manifest;
    }

    /**
     * Every signature of the meta graph that mlj can run, sorted by name.
     *
     * @param requested the signature the caller asked for, which must be runnable
     * @throws UnsupportedModelException if the requested signature, or every one, has a dtype mlj does not carry
     * @throws ModelLoadException if a bundle's manifest does not match its SavedModel
     */
    List<BoundSignature> read(MetaGraphDef metaGraph, Optional<String> requested) {
        List<BoundSignature> bound = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> names = metaGraph.getSignatureDefMap().keySet().stream()
                .filter(name -> !name.startsWith("__")).sorted(SignatureReader::compareNatural).toList();
        for (String name : names) {
            SignatureDef def = metaGraph.getSignatureDefMap().get(name);
            Optional<String> problem = unsupported(def);
            if (problem.isEmpty()) {
                bound.add(bind(name, def));
                continue;
            }
            String reason = "signature '" + name + "' has " + problem.get();
            if (requested.filter(name::equals).isPresent()) {
                throw new UnsupportedModelException("Cannot run " + reason + " (" + path + ")", List.of(problem.get()), null);
            }
            LOG.warn("Skipping {} of {}", reason, path);
            skipped.add(reason);
        }
        if (bound.isEmpty() && !skipped.isEmpty()) {
            throw new UnsupportedModelException("No signature of " + path + " can run: " + skipped, skipped, null);
        }
        return bound;
    }

    private static Optional<String> unsupported(SignatureDef def) {
        for (Map<String, TensorInfo> tensors : List.of(def.getInputsMap(), def.getOutputsMap())) {
            for (Map.Entry<String, TensorInfo> entry : tensors.entrySet()) {
                TensorInfo info = entry.getValue();
                if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
                    return Optional.of("tensor '" + entry.getKey() + "' encoded as " + info.getEncodingCase()
                            + " (mlj feeds and fetches dense tensors only)");
                }
                if (TensorConversion.dtype(info.getDtype()).isEmpty()) {
                    return Optional.of("tensor '" + entry.getKey() + "' of type " + info.getDtype()
                            + " (mlj carries float32, float64, int32, int64, bool, uint8 and string)");
                }
            }
        }
        return Optional.empty();
    }

    private BoundSignature bind(String name, SignatureDef def) {
        Map<String, TensorInfo> inputs = def.getInputsMap();
        Map<String, TensorInfo> outputs = def.getOutputsMap();
        List<TensorSpec> inputSpecs = ordered(inputs, false).stream().map(key -> spec(key, inputs.get(key))).toList();
        List<TensorSpec> outputSpecs = ordered(outputs, true).stream().map(key -> spec(key, outputs.get(key))).toList();
        if (manifest.isPresent()) {
            BundleManifest bundle = manifest.get();
            String where = "signature '" + name + "' of its saved_model";
            if (name.equals(bundle.defaultSignature())) {
                bundle.requireSignature(where, inputSpecs, outputSpecs);
                inputSpecs = bundle.inputSpecs();
                outputSpecs = bundle.outputSpecs();
            } else if (bundle.layerOutputsSignature().filter(name::equals).isPresent()) {
                bundle.requireLayers(where, outputSpecs);
                outputSpecs = bundle.layerInfos().stream()
                        .map(layer -> TensorSpec.of(layer.name(), layer.dtype(), layer.outputShape())).toList();
            }
        }
        List<Output<?>> feeds = inputSpecs.stream().<Output<?>>map(spec -> tensor(inputs.get(spec.name()))).toList();
        Map<String, Output<?>> fetches = new LinkedHashMap<>();
        outputSpecs.forEach(spec -> fetches.put(spec.name(), tensor(outputs.get(spec.name()))));
        return new BoundSignature(new Signature(name, inputSpecs, outputSpecs), feeds, fetches);
    }

    private Output<?> tensor(TensorInfo info) {
        try {
            return graph.outputOrThrow(info.getName());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("SavedModel " + path + " names tensor '" + info.getName()
                    + "' in a signature, but its graph has no such tensor: " + e.getMessage(), e);
        }
    }

    private static TensorSpec spec(String key, TensorInfo info) {
        DType dtype = TensorConversion.dtype(info.getDtype()).orElseThrow();
        TensorSpec spec = TensorSpec.of(key, dtype, shape(info.getTensorShape()));
        boolean learningPhase = dtype == DType.BOOL
                && (key.equals(LEARNING_PHASE) || info.getName().split(":")[0].equals(LEARNING_PHASE));
        return learningPhase ? spec.asOptional() : spec;
    }

    private static Shape shape(TensorShapeProto proto) {
        if (proto.getUnknownRank()) {
            return Shape.unknownRank();
        }
        return Shape.of(proto.getDimList().stream().mapToLong(dim -> Math.max(dim.getSize(), Shape.UNKNOWN)).toArray());
    }

    /** The keys in the order described in the class comment. */
    static List<String> ordered(Map<String, TensorInfo> tensors, boolean outputs) {
        Set<String> keys = tensors.keySet();
        if (outputs && keys.stream().allMatch(key -> KERAS_OUTPUT.matcher(key).matches())) {
            return keys.stream().sorted(Comparator.comparing(SignatureReader::kerasOutputNumber)).toList();
        }
        Comparator<String> byTensorName = (a, b) -> compareNatural(tensors.get(a).getName(), tensors.get(b).getName());
        return keys.stream().sorted(byTensorName.thenComparing(SignatureReader::compareNatural)).toList();
    }

    private static BigInteger kerasOutputNumber(String key) {
        Matcher matcher = KERAS_OUTPUT.matcher(key);
        matcher.matches();
        return new BigInteger(matcher.group(1));
    }

    /** Natural order: runs of digits compare as numbers, everything else character by character. */
    static int compareNatural(String a, String b) {
        Matcher left = DIGITS.matcher(a);
        Matcher right = DIGITS.matcher(b);
        while (left.find() && right.find()) {
            String x = left.group();
            String y = right.group();
            int result = Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0))
                    ? new BigInteger(x).compareTo(new BigInteger(y)) : x.compareTo(y);
            if (result != 0) {
                return result;
            }
        }
        return a.compareTo(b);
    }
}
