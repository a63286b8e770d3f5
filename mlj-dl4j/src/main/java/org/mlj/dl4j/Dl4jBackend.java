package org.mlj.dl4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.BackendOption;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.spi.RowSplit;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * the weights named by the load option {@link #WEIGHTS}, or a directory with one {@code *.json} and one
 * {@code *.h5} ({@link ModelFormat#KERAS_JSON}).
 *
 * <p>Load options: {@link #WEIGHTS}, {@link #IMPORT_TIMEOUT}, {@link #POOL_SIZE}, {@link #FUSED_LSTM},
 * {@link #DIRECT_DENSE}, {@link #CNN_PROGRAM} and {@link #SPLIT_ROWS} (see {@link #options()}; {@code mlj inspect --options} lists them).
 * Convolution and pooling layers run through DL4J's oneDNN helpers when the native build has oneDNN
 * ({@code OneDnnHelpers}); a plain channels-last CNN chain runs instead as a fixed program of the same
 * libnd4j ops ({@code CnnProgramPass}, {@link #CNN_PROGRAM}). {@link Model#details()} tells what engaged:
 * {@value #ONEDNN_HELPERS_DETAIL}, {@value #FUSED_LSTM_DETAIL}, {@value #CNN_PROGRAM_DETAIL} and {@code dl4j.forwardPass}.
 *
 * <p><b>Threads:</b> libnd4j's operations use OpenMP, and only the {@code OMP_NUM_THREADS} environment
 * variable sets their thread count; it is read when the native library loads, so it must be set before
 * the JVM starts ({@code Nd4j.getEnvironment().setMaxThreads} has no effect). Unset, every core is used, and OpenMP threads spin while they wait: on small machines
 * and for small batches {@code OMP_NUM_THREADS=1} is several times faster (on 2 cores: CNN batch 256
 * 5-7 ms with 1 thread, 9-12 ms with 2); serve concurrent requests with more network copies
 * ({@link #POOL_SIZE}) instead, and a large call running alone is cut into one part per core, each on
 * its own copy ({@link #SPLIT_ROWS}).
 *
 * <p>Loading checks the options, the signature name and the bundle manifest against the Keras config
 * before the native import, and frees the imported network when a later step fails.
 *
 * <p>Named after its runtime, like {@code TensorFlowBackend}. Thread-safe and stateless; each loaded
 * {@link Dl4jModel} owns its native memory and is closed by the caller.
 */
public final class Dl4jBackend implements Backend {
    /** The backend's name. */
    public static final String NAME = "dl4j";
    /** Load option: seconds the native DL4J import may take before it is abandoned with a {@link ModelLoadException}. */
    public static final BackendOption<Integer> IMPORT_TIMEOUT = BackendOption.integer("dl4j.importTimeoutSeconds", 1, 120,
            "seconds the native DL4J import may take before it is abandoned");
    /** Load option: how many copies of the network may run at once; see {@link Dl4jModel}. */
    public static final BackendOption<Integer> POOL_SIZE = BackendOption.integer("dl4j.poolSize", 1,
            Runtime.getRuntime().availableProcessors(), "network copies that may run at once (concurrent predictions)");
    /** Load option: {@code false} runs LSTM layers through DL4J's per-time-step layer instead of libnd4j's fused op. */
    public static final BackendOption<Boolean> FUSED_LSTM = BackendOption.bool("dl4j.fusedLstm", true,
            "run LSTM layers (and the Embedding feeding them) as libnd4j's fused lstmLayer op; false: DL4J's own layers");
    /** Load option: {@code false} runs Dense layers through DL4J's layer instead of one direct gemm. */
    public static final BackendOption<Boolean> DIRECT_DENSE = BackendOption.bool("dl4j.directDense", true,
            "run Dense layers as one gemm, bias and activation; false: DL4J's own layer");
    /**
     * Load option: {@code false} runs plain CNN chains through DL4J's graph instead of a fixed program of
     * libnd4j ops ({@link CnnProgramPass}).
     */
    public static final BackendOption<Boolean> CNN_PROGRAM = BackendOption.bool("dl4j.cnnProgram", true,
            "run plain channels-last CNN chains (Conv2D, pooling, Flatten, Dropout, Dense) as a fixed program of libnd4j ops "
                    + "with arrays made once per batch size; false: DL4J's graph");
    /** {@link Model#details()} key: whether the CNN program runs the model, or why not. */
    public static final String CNN_PROGRAM_DETAIL = "dl4j.cnnProgram";
    /** Load option: the weights file ({@code save_weights} output) of a Keras architecture JSON. */
    public static final BackendOption<String> WEIGHTS = BackendOption.text("dl4j.weights",
            "the weights file (save_weights: .h5 or .weights.h5) of a Keras architecture JSON; default: the one beside it");
    /** {@link Model#details()} key: whether the oneDNN convolution and pooling helpers engaged, and where. */
    public static final String ONEDNN_HELPERS_DETAIL = "dl4j.onednnHelpers";
    /** {@link Model#details()} key: whether LSTM layers run through the fused op, and which. */
    public static final String FUSED_LSTM_DETAIL = "dl4j.fusedLstm";

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jBackend.class);
    /**
     * Load option: the fewest rows a part of a split call gets ({@link RowSplit}; 0: never split). A call
     * of at least twice as many rows that runs alone on the model is cut into one part per core (where
     * that is measured to be faster), each run on its own network copy (so {@link #POOL_SIZE} below 2 turns splitting off): under
     * {@code OMP_NUM_THREADS=1} a single large call otherwise leaves the other cores idle.
     */
    public static final BackendOption<Integer> SPLIT_ROWS = RowSplit.option(NAME, 32);
    private static final List<BackendOption<?>> OPTIONS = List.of(IMPORT_TIMEOUT, POOL_SIZE, FUSED_LSTM, DIRECT_DENSE, CNN_PROGRAM, SPLIT_ROWS,
            WEIGHTS);
    private static final String KERAS_FILE = "model.keras";
    private static final String H5_FILE = "model.h5";

    private final Consumer<ComputationGraph> afterImport;

    /** The backend, as {@link java.util.ServiceLoader} creates it. */
    public Dl4jBackend() {
        this(network -> { });
    }

    /** A backend that runs {@code afterImport} on each imported network: lets tests fail a load after the native import. */
    Dl4jBackend(Consumer<ComputationGraph> afterImport) {
        this.afterImport = afterImport;
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

    @Override
    public List<BackendOption<?>> options() {
        return OPTIONS;
    }

    /** Below TensorFlow (10) for bundles; the only backend for Keras files. */
    @Override
    public int priority(ModelFormat format) {
        return format == ModelFormat.MLJ_BUNDLE ? 5 : 10;
    }

    @Override
    public Model load(ModelSource source, LoadOptions options) {
        Duration timeout = Duration.ofSeconds(IMPORT_TIMEOUT.get(options));
        long started = System.nanoTime();
        Path file = source.format() == ModelFormat.KERAS_JSON ? ModelFormat.kerasArchitecture(source.path()) : modelFile(source, options);
        KerasFile keras = switch (source.format()) {
            case KERAS_JSON -> KerasFile.readArchitecture(file, weightsFile(source, options));
            case MLJ_BUNDLE -> KerasFile.read(file, ModelFormat.detect(file));
            default -> KerasFile.read(file, source.format());
        };
        KerasGraph graph;
        String signatureName;
        try {
            graph = KerasConfigTranslator.translate(keras.config(), keras.kerasVersion(), keras.backend(), file.toString());
            signatureName = signatureName(source, options);
            source.manifest().ifPresent(manifest -> {
                manifest.requireSignature(file.getFileName().toString(), graph.inputs(), float32(graph.outputs()));
                manifest.requireLayers(file.getFileName().toString(), float32(graph.layers().stream()
                        .filter(layer -> !layer.className().equals("InputLayer")).map(KerasGraph.Layer::name).toList()));
            });
        } catch (RuntimeException e) {
            keras.close();
            throw e;
        }
        KerasGraphImporter.ImportedGraph imported = KerasGraphImporter.importGraph(graph, keras, timeout);
        try {
            afterImport.accept(imported.network());
            Dl4jModel model = model(source, options, file, keras.description(), keras.kerasVersion(), graph, imported, signatureName);
            LOG.info("Loaded {} with DL4J in {} ms", file, (System.nanoTime() - started) / 1_000_000);
            return model;
        } catch (RuntimeException | Error e) {
            imported.close();
            throw e;
        }
    }

    /** Wraps an imported network in a model with its signature, layers and fastest forward pass. */
    private static Dl4jModel model(ModelSource source, LoadOptions options, Path file, String weightsDescription, String kerasVersion,
                                   KerasGraph graph,
                                   KerasGraphImporter.ImportedGraph imported, String signatureName) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("dl4j.file", file.toString());
        if (source.format() == ModelFormat.KERAS_JSON) {
            details.put(WEIGHTS.key(), weightsDescription);
        }
        details.put("keras.version", kerasVersion);
        details.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());
        Map<String, InputType> types = imported.activationTypes();
        Map<String, KerasLayout> layouts = new LinkedHashMap<>();
        for (KerasGraph.Layer layer : graph.layers()) {
            if (types.containsKey(layer.name())) {
                // DL4J's Permute is a preprocessor that leaves its output in Keras order, whatever type it reports
                layouts.put(layer.name(), layer.className().equals("Permute") ? KerasLayout.SAME
                        : KerasLayout.of(types.get(layer.name()), layer.channelsFirst()));
            }
        }
        List<KerasLayout> outputLayouts = graph.outputs().stream().map(name -> layouts.getOrDefault(name, KerasLayout.SAME)).toList();
        Signature signature = signature(source, signatureName, graph, types, layouts);
        List<LayerInfo> layers = source.manifest().map(BundleManifest::layerInfos).orElseGet(() -> graph.layers().stream()
                .filter(layer -> layouts.containsKey(layer.name()))
                .map(layer -> new LayerInfo(layer.name(), layer.className(), DType.FLOAT32,
                        layouts.get(layer.name()).kerasShape(types.get(layer.name()))))
                .toList());
        ForwardPass forwardPass = forwardPass(imported, graph, options, outputLayouts, layouts, details);
        details.putAll(forwardPass.details());
        RowSplit rowSplit = POOL_SIZE.get(options) < 2 ? RowSplit.NONE : RowSplit.of(SPLIT_ROWS, options, source.path().toString(), true);
        details.put("dl4j.splitRows", rowSplit.minRows() == 0 ? "off" : Integer.toString(rowSplit.minRows()));
        return new Dl4jModel(source, signature, layers, layouts.keySet(), imported.network(), forwardPass, details, rowSplit);
    }

    private static List<TensorSpec> float32(List<String> names) {
        return names.stream().map(name -> TensorSpec.of(name, DType.FLOAT32, Shape.unknownRank())).toList();
    }

    /**
     * The name of the one signature: the manifest's default for a bundle, else {@value Signature#DEFAULT_NAME}.
     *
     * @throws ModelLoadException if the options ask for another one
     */
    private static String signatureName(ModelSource source, LoadOptions options) {
        String name = source.manifest().map(BundleManifest::defaultSignature).orElse(Signature.DEFAULT_NAME);
        if (options.signature().isPresent() && !options.signature().get().equals(name)) {
            throw new ModelLoadException("Unknown signature '" + options.signature().get() + "'; the model has [" + name + "]");
        }
        return name;
    }

    private static Path modelFile(ModelSource source, LoadOptions options) {
        if (options.option(WEIGHTS.key()).isPresent()) {
            throw new ModelLoadException("Load option " + WEIGHTS.key() + " names the weights of a Keras architecture JSON; "
                    + source.path() + " is a " + source.format().description() + ", which holds its own weights");
        }
        Path file = source.format() != ModelFormat.MLJ_BUNDLE ? source.path() : bundleModelFile(source).orElseThrow(() -> new ModelLoadException(
                "Bundle " + source.path() + " has neither " + KERAS_FILE + " nor " + H5_FILE + " for the dl4j backend"));
        ModelFormat format = source.format() == ModelFormat.MLJ_BUNDLE ? ModelFormat.detect(file) : source.format();
        if (format != ModelFormat.KERAS && format != ModelFormat.HDF5) {
            throw new ModelLoadException(file + " is a " + format.description() + ", not a Keras file");
        }
        return file;
    }

    /**
     * The fastest forward pass for the network: oneDNN helpers on its convolution and pooling layers,
     * and the chain pass (fused LSTMs unless turned off, direct Dense layers) when the network
     * qualifies, else DL4J's graph. Records in {@code details} what engaged and why not.
     */
    private static ForwardPass forwardPass(KerasGraphImporter.ImportedGraph imported, KerasGraph graph, LoadOptions options,
                                           List<KerasLayout> outputLayouts, Map<String, KerasLayout> layouts,
                                           Map<String, String> details) {
        int poolSize = POOL_SIZE.get(options);
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
        boolean fuseLstm = FUSED_LSTM.get(options);
        ChainForwardPass.Plan plan = ChainForwardPass.plan(network, graph, imported.activationTypes(), fuseLstm,
                DIRECT_DENSE.get(options), imported.computations());
        if (!imported.computations().isEmpty() && !plan.supported()) {
            // the caller closes the imported network
            throw new UnsupportedModelException("The dl4j backend cannot run layers " + imported.computations().keySet()
                    + " of " + graph.layers().size() + "-layer model: " + plan.unsupportedReason(), List.copyOf(imported.computations().keySet()), null);
        }
        ForwardPass forwardPass = plan.supported() ? plan.forwardPass(network, copies, outputLayouts.get(0), layouts, poolSize) : null;
        if (forwardPass == null) {
            forwardPass = cnnProgram(imported, options, outputLayouts, layouts, poolSize, details);
        } else {
            details.put(CNN_PROGRAM_DETAIL, "off: the chain pass runs the model");
        }
        if (forwardPass == null) {
            forwardPass = new GraphForwardPass(network, copies, outputLayouts, layouts, poolSize);
        }
        String fusedLstm = !plan.fusedLstm().isEmpty() ? "engaged (" + String.join(", ", plan.fusedLstm()) + ")"
                : !fuseLstm ? "off: load option " + FUSED_LSTM.key() + "=false"
                : !plan.lstmNotFused().isEmpty() ? "off: " + String.join("; ", plan.lstmNotFused())
                : graph.layers().stream().anyMatch(layer -> layer.className().equals("LSTM")) ? "off: " + plan.unsupportedReason()
                : "off: no LSTM layer";
        details.put(FUSED_LSTM_DETAIL, fusedLstm);
        LOG.debug("oneDNN helpers: {}; fused LSTM: {}", helpers, fusedLstm);
        return forwardPass;
    }

    /**
     * The CNN program for the network ({@link CnnProgramPass}) if the option allows it, the network
     * qualifies, and the program computes what DL4J's graph computes on a probe batch (else null, and
     * {@code details} says why).
     */
    private static ForwardPass cnnProgram(KerasGraphImporter.ImportedGraph imported, LoadOptions options, List<KerasLayout> outputLayouts,
                                          Map<String, KerasLayout> layouts, int poolSize, Map<String, String> details) {
        if (!CNN_PROGRAM.get(options)) {
            details.put(CNN_PROGRAM_DETAIL, "off: load option " + CNN_PROGRAM.key() + "=false");
            return null;
        }
        if (!imported.computations().isEmpty()) {
            details.put(CNN_PROGRAM_DETAIL, "off: layers computed by mlj " + imported.computations().keySet());
            return null;
        }
        ComputationGraph network = imported.network();
        StringBuilder whyNot = new StringBuilder();
        CnnProgramPass program = CnnProgramPass.plan(network, imported.activationTypes(), outputLayouts.get(0), layouts, poolSize, whyNot);
        if (program == null) {
            details.put(CNN_PROGRAM_DETAIL, "off: " + whyNot);
            return null;
        }
        String mismatch = program.differenceFromGraph(imported.activationTypes());
        if (mismatch != null) {
            LOG.warn("event=cnn_program_off reason=\"{}\"; the model runs through DL4J's graph", mismatch);
            program.discard();
            details.put(CNN_PROGRAM_DETAIL, "off: " + mismatch);
            return null;
        }
        details.put(CNN_PROGRAM_DETAIL, "engaged");
        return program;
    }

    /** The weights of an architecture JSON: the {@link #WEIGHTS} option, else the directory's weights file. */
    private static Path weightsFile(ModelSource source, LoadOptions options) {
        return options.option(WEIGHTS.key()).map(WEIGHTS::parse).map(Path::of)
                .or(() -> ModelFormat.kerasWeights(source.path()))
                .orElseThrow(() -> new ModelLoadException(source.path() + " is a Keras architecture JSON without its weights: name the "
                        + "weights file (save_weights output, .h5 or .weights.h5) with load option " + WEIGHTS.key()
                        + "=PATH (CLI: --weights PATH), or put both files alone in one directory and load the directory"));
    }

    /** The one signature: the manifest's specs for a bundle, else the Keras config's. */
    private static Signature signature(ModelSource source, String name, KerasGraph graph, Map<String, InputType> types,
                                       Map<String, KerasLayout> layouts) {
        Optional<BundleManifest> manifest = source.manifest();
        List<TensorSpec> inputs = manifest.map(BundleManifest::inputSpecs).orElse(graph.inputs());
        List<TensorSpec> outputs = manifest.map(BundleManifest::outputSpecs).orElseGet(() -> graph.outputs().stream()
                .map(output -> new TensorSpec(output, DType.FLOAT32, types.containsKey(output)
                        ? layouts.getOrDefault(output, KerasLayout.SAME).kerasShape(types.get(output)) : Shape.unknownRank(), null, false))
                .toList());
        return new Signature(name, inputs, outputs);
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
}
