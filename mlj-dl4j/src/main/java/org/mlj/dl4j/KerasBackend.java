package org.mlj.dl4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mlj.api.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.api.spi.AbstractModel;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.ModelSource;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dl4j} backend: runs Keras models in Deeplearning4j 1.0.0-M2.1, with no Python at run time.
 *
 * <p>Loads Keras 3 {@code .keras} files, Keras 3 legacy {@code .h5} files, Keras 1/2 {@code .h5} files,
 * and mlj bundles (their {@code model.keras}, else {@code model.h5}, named and ordered by the manifest).
 * DL4J's own importer rejects every Keras 3 file; this backend translates the config in Java
 * ({@link KerasConfigTranslator}), builds the DL4J network from the translated JSON, and reads the
 * weights itself ({@link KerasWeightsReader}) from an in-memory copy of the file: no temporary file is
 * written and the user's file is only read.
 *
 * <p>Also loads a Keras 1, 2 or 3 architecture JSON ({@code model.to_json()}) with its weights file
 * ({@code save_weights}: Keras 1/2 {@code weights.h5}, Keras 3 {@code .weights.h5}): the JSON file with
 * the weights named by {@value #WEIGHTS_PROPERTY}, or a directory with one {@code *.json} and one
 * {@code *.h5} ({@link ModelFormat#KERAS_JSON}).
 *
 * <p>Backend-specific {@link LoadOptions} properties:
 * <ul>
 *   <li>{@value #WEIGHTS_PROPERTY}: the weights file of an architecture JSON (wins over the one in
 *       its directory);</li>
 *   <li>{@value #IMPORT_TIMEOUT_PROPERTY}: seconds the native import may take before it is abandoned
 *       with a {@link ModelLoadException} (default 120);</li>
 *   <li>{@value #POOL_SIZE_PROPERTY}: how many copies of the network may run at once (default: the
 *       number of processors); see {@link Dl4jModel};</li>
 *   <li>{@value #FUSED_LSTM_PROPERTY}: {@code false} runs LSTM layers (and the Embedding feeding them)
 *       through DL4J's per-time-step layers instead of libnd4j's fused {@code lstmLayer} op (default
 *       {@code true}); see {@code ChainForwardPass};</li>
 *   <li>{@value #DIRECT_DENSE_PROPERTY}: {@code false} runs Dense layers through DL4J's layer instead
 *       of one direct gemm, bias and activation (default {@code true}).</li>
 * </ul>
 * Convolution and pooling layers run through DL4J's oneDNN helpers when the native build has oneDNN
 * ({@code OneDnnHelpers}). {@link Model#details()} tells what engaged: {@value #ONEDNN_HELPERS_DETAIL},
 * {@value #FUSED_LSTM_DETAIL} and {@code dl4j.forwardPass}.
 *
 * <p><b>Threads:</b> libnd4j's operations use OpenMP, and only the {@code OMP_NUM_THREADS} environment
 * variable sets their thread count; it is read when the native library loads, so it must be set before
 * the JVM starts ({@code Nd4j.getEnvironment().setMaxThreads} and {@link LoadOptions#intraOpThreads()}
 * have no effect). Unset, every core is used, and OpenMP threads spin while they wait: on small machines
 * and for small batches {@code OMP_NUM_THREADS=1} is several times faster (on 2 cores: CNN batch 256
 * 5-7 ms with 1 thread, 9-12 ms with 2); serve concurrent requests with more network copies
 * ({@value #POOL_SIZE_PROPERTY}) instead. Large recurrent batches gain a little from more threads.
 *
 * <p>Thread-safe and stateless; each loaded {@link Dl4jModel} owns its native memory.
 */
public final class KerasBackend implements Backend {
    /** The backend's name. */
    public static final String NAME = "dl4j";
    /** LoadOptions property: seconds the DL4J import may take. */
    public static final String IMPORT_TIMEOUT_PROPERTY = "dl4j.importTimeoutSeconds";
    /** LoadOptions property: the most network copies that run at once. */
    public static final String POOL_SIZE_PROPERTY = "dl4j.poolSize";
    /** LoadOptions property: {@code false} runs LSTM layers through DL4J's own layer instead of the fused op. */
    public static final String FUSED_LSTM_PROPERTY = "dl4j.fusedLstm";
    /** LoadOptions property: the weights file of a Keras architecture JSON ({@code save_weights} output). */
    public static final String WEIGHTS_PROPERTY = "dl4j.weights";
    /** LoadOptions property: {@code false} runs Dense layers through DL4J's own layer instead of a direct gemm. */
    public static final String DIRECT_DENSE_PROPERTY = "dl4j.directDense";
    /** {@link Model#details()} key: whether the oneDNN convolution and pooling helpers engaged, and where. */
    public static final String ONEDNN_HELPERS_DETAIL = "dl4j.onednnHelpers";
    /** {@link Model#details()} key: whether LSTM layers run through the fused op, and which. */
    public static final String FUSED_LSTM_DETAIL = "dl4j.fusedLstm";

    private static final Logger LOG = LoggerFactory.getLogger(KerasBackend.class);
    private static final long DEFAULT_IMPORT_TIMEOUT_SECONDS = 120;
    private static final String KERAS_FILE = "model.keras";
    private static final String H5_FILE = "model.h5";

    /** The backend, as {@link java.util.ServiceLoader} creates it. */
    public KerasBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String artifact() {
        return "org.mlj:mlj-dl4j";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.KERAS, ModelFormat.HDF5, ModelFormat.KERAS_JSON, ModelFormat.MLJ_BUNDLE);
    }

    /** Keras files always; a bundle only if it has {@code model.keras} or {@code model.h5}. */
    @Override
    public boolean canLoad(ModelSource source) {
        return formats().contains(source.format())
                && (source.format() != ModelFormat.MLJ_BUNDLE || bundleModelFile(source).isPresent());
    }

    /** Below TensorFlow (10) for bundles; the only backend for Keras files. */
    @Override
    public int priority(ModelFormat format) {
        return format == ModelFormat.MLJ_BUNDLE ? 5 : 10;
    }

    @Override
    public Model load(ModelSource source, LoadOptions options) {
        Duration timeout = Duration.ofSeconds(positiveProperty(options, IMPORT_TIMEOUT_PROPERTY, DEFAULT_IMPORT_TIMEOUT_SECONDS));
        int poolSize = (int) positiveProperty(options, POOL_SIZE_PROPERTY, Runtime.getRuntime().availableProcessors());
        long started = System.nanoTime();
        Path file = source.format() == ModelFormat.KERAS_JSON ? ModelFormat.kerasArchitecture(source.path()) : modelFile(source, options);
        KerasFile keras = switch (source.format()) {
            case KERAS_JSON -> KerasFile.readArchitecture(file, weightsFile(source, options));
            case MLJ_BUNDLE -> KerasFile.read(file, ModelFormat.detect(file));
            default -> KerasFile.read(file, source.format());
        };
        KerasGraph graph;
        try {
            graph = KerasConfigTranslator.translate(keras.config(), keras.kerasVersion(), keras.backend(), file.toString());
            source.manifest().ifPresent(manifest -> checkManifest(manifest, graph));
        } catch (RuntimeException e) {
            keras.close();
            throw e;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("dl4j.file", file.toString());
        if (source.format() == ModelFormat.KERAS_JSON) {
            details.put(WEIGHTS_PROPERTY, keras.description());
        }
        details.put("keras.version", keras.kerasVersion());
        KerasGraphImporter.ImportedGraph imported = KerasGraphImporter.importGraph(graph, keras, timeout);
        details.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());

        Map<String, InputType> types = imported.activationTypes();
        Map<String, KerasLayout> layouts = new LinkedHashMap<>();
        for (KerasGraph.Layer layer : graph.layers()) {
            if (types.containsKey(layer.name())) {
                layouts.put(layer.name(), KerasLayout.of(types.get(layer.name()), layer.channelsFirst()));
            }
        }
        List<KerasLayout> outputLayouts = graph.outputs().stream().map(name -> layouts.getOrDefault(name, KerasLayout.SAME)).toList();
        Signature signature = signature(source, options, graph, types, layouts);
        List<LayerInfo> layers = source.manifest().map(BundleManifest::layerInfos).orElseGet(() -> graph.layers().stream()
                .filter(layer -> layouts.containsKey(layer.name()))
                .map(layer -> new LayerInfo(layer.name(), layer.className(), DType.FLOAT32,
                        layouts.get(layer.name()).kerasShape(types.get(layer.name()))))
                .toList());
        ForwardPass forwardPass = forwardPass(imported, graph, options, outputLayouts, layouts, poolSize, details);
        details.putAll(forwardPass.details());
        LOG.info("Loaded {} with DL4J in {} ms", file, (System.nanoTime() - started) / 1_000_000);
        return new Dl4jModel(source, signature, layers, layouts.keySet(), imported.network(), forwardPass, details);
    }

    /**
     * The fastest forward pass for the network: oneDNN helpers on its convolution and pooling layers,
     * and the chain pass (fused LSTMs unless turned off, direct Dense layers) when the network
     * qualifies, else DL4J's graph. Records in {@code details} what engaged and why not.
     */
    private static ForwardPass forwardPass(KerasGraphImporter.ImportedGraph imported, KerasGraph graph, LoadOptions options,
                                           List<KerasLayout> outputLayouts, Map<String, KerasLayout> layouts, int poolSize,
                                           Map<String, String> details) {
        ComputationGraph network = imported.network();
        List<String> helped = OneDnnHelpers.attach(network);
        String helpers = OneDnnHelpers.unavailable().map(reason -> "unavailable: " + reason)
                .orElse(helped.isEmpty() ? "unused: no 2D convolution or pooling layer" : "engaged (" + String.join(", ", helped) + ")");
        details.put(ONEDNN_HELPERS_DETAIL, helpers);
        Supplier<ComputationGraph> copies = () -> {
            ComputationGraph copy = new ComputationGraph(network.getConfiguration().clone());
            copy.init(network.params(), false);
            OneDnnHelpers.attach(copy);
            return copy;
        };
        boolean fuseLstm = booleanProperty(options, FUSED_LSTM_PROPERTY, true);
        ChainForwardPass.Plan plan = ChainForwardPass.plan(network, graph, imported.activationTypes(), fuseLstm,
                booleanProperty(options, DIRECT_DENSE_PROPERTY, true));
        ForwardPass forwardPass = plan.supported() ? plan.forwardPass(network, copies, outputLayouts.get(0), layouts, poolSize)
                : new GraphForwardPass(network, copies, outputLayouts, layouts, poolSize);
        String fusedLstm = !plan.fusedLstm().isEmpty() ? "engaged (" + String.join(", ", plan.fusedLstm()) + ")"
                : !fuseLstm ? "off: LoadOptions property " + FUSED_LSTM_PROPERTY + "=false"
                : !plan.lstmNotFused().isEmpty() ? "off: " + String.join("; ", plan.lstmNotFused())
                : graph.layers().stream().anyMatch(layer -> layer.className().equals("LSTM")) ? "off: " + plan.unsupportedReason()
                : "off: no LSTM layer";
        details.put(FUSED_LSTM_DETAIL, fusedLstm);
        LOG.debug("oneDNN helpers: {}; fused LSTM: {}", helpers, fusedLstm);
        return forwardPass;
    }

    /** The .keras or .h5 file to read: the path itself, or the bundle's model file. */
    private static Path modelFile(ModelSource source, LoadOptions options) {
        if (options.property(WEIGHTS_PROPERTY).isPresent()) {
            throw new ModelLoadException("LoadOptions property " + WEIGHTS_PROPERTY + " names the weights of a Keras architecture JSON; "
                    + source.path() + " is a " + source.format().description() + ", which holds its own weights");
        }
        Path file = source.format() == ModelFormat.MLJ_BUNDLE ? bundleModelFile(source).orElseThrow(() -> new ModelLoadException(
                "Bundle " + source.path() + " has neither " + KERAS_FILE + " nor " + H5_FILE + " for the dl4j backend"))
                : source.path();
        ModelFormat format = source.format() == ModelFormat.MLJ_BUNDLE ? ModelFormat.detect(file) : source.format();
        if (format != ModelFormat.KERAS && format != ModelFormat.HDF5) {
            throw new ModelLoadException(file + " is a " + format.description() + ", not a Keras file");
        }
        return file;
    }

    /** The weights of an architecture JSON: the {@value #WEIGHTS_PROPERTY} property, else the directory's weights file. */
    private static Path weightsFile(ModelSource source, LoadOptions options) {
        return options.property(WEIGHTS_PROPERTY).map(String::trim).filter(value -> !value.isEmpty()).map(Path::of)
                .or(() -> ModelFormat.kerasWeights(source.path()))
                .orElseThrow(() -> new ModelLoadException(source.path() + " is a Keras architecture JSON without its weights: name the "
                        + "weights file (save_weights output, .h5 or .weights.h5) with LoadOptions property " + WEIGHTS_PROPERTY
                        + "=PATH (CLI: --weights PATH), or put both files alone in one directory and load the directory"));
    }

    /** A bundle's manifest must name the model's inputs, outputs and layers as its Keras config does. */
    private static void checkManifest(BundleManifest manifest, KerasGraph graph) {
        requireSameNames("inputs", manifest.inputSpecs(), graph.inputs().stream().map(TensorSpec::name).toList(), manifest);
        requireSameNames("outputs", manifest.outputSpecs(), graph.outputs(), manifest);
        Set<String> layers = graph.layers().stream().map(KerasGraph.Layer::name).collect(Collectors.toSet());
        List<String> unknown = manifest.layerInfos().stream().map(LayerInfo::name).filter(name -> !layers.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new ModelLoadException("Bundle " + manifest.directory() + " lists layers " + unknown
                    + " that its Keras model does not have: re-export the bundle");
        }
    }

    private static void requireSameNames(String what, List<TensorSpec> specs, List<String> model, BundleManifest manifest) {
        List<String> names = specs.stream().map(TensorSpec::name).toList();
        if (!names.equals(model)) {
            throw new ModelLoadException("Bundle " + manifest.directory() + " lists " + what + " " + names
                    + ", but its Keras model has " + model + ": re-export the bundle");
        }
    }

    /** The {@code serving_default} signature: the manifest's specs for a bundle, else the Keras config's. */
    private static Signature signature(ModelSource source, LoadOptions options, KerasGraph graph, Map<String, InputType> types,
                                       Map<String, KerasLayout> layouts) {
        Optional<BundleManifest> manifest = source.manifest();
        String name = manifest.map(BundleManifest::defaultSignature).orElse("serving_default");
        List<TensorSpec> inputs = manifest.map(BundleManifest::inputSpecs).orElse(graph.inputs());
        List<TensorSpec> outputs = manifest.map(BundleManifest::outputSpecs).orElseGet(() -> graph.outputs().stream()
                .map(output -> new TensorSpec(output, DType.FLOAT32, types.containsKey(output)
                        ? layouts.getOrDefault(output, KerasLayout.SAME).kerasShape(types.get(output)) : Shape.unknownRank(), null, false))
                .toList());
        return AbstractModel.withDefaultFirst(List.of(new Signature(name, inputs, outputs)), options.signature(), name).get(0);
    }

    private static Optional<Path> bundleModelFile(ModelSource source) {
        Optional<BundleManifest> manifest = source.manifest();
        return manifest.flatMap(m -> m.file("keras")).or(() -> manifest.flatMap(m -> m.file("h5")))
                .or(() -> existing(source.path().resolve(KERAS_FILE)))
                .or(() -> existing(source.path().resolve(H5_FILE)));
    }

    private static Optional<Path> existing(Path path) {
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    private static boolean booleanProperty(LoadOptions options, String key, boolean defaultValue) {
        Optional<String> value = options.property(key).map(String::trim);
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (!value.get().equalsIgnoreCase("true") && !value.get().equalsIgnoreCase("false")) {
            throw new ModelLoadException("LoadOptions property " + key + " must be true or false, got '" + value.get() + "'");
        }
        return Boolean.parseBoolean(value.get());
    }

    private static long positiveProperty(LoadOptions options, String key, long defaultValue) {
        Optional<String> value = options.property(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        String message = "LoadOptions property " + key + " must be a positive integer, got '" + value.get() + "'";
        long parsed;
        try {
            parsed = Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            throw new ModelLoadException(message, e);
        }
        if (parsed <= 0) {
            throw new ModelLoadException(message);
        }
        return parsed;
    }
}
