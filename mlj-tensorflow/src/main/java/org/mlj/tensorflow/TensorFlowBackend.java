package org.mlj.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.BackendOption;
import org.mlj.api.spi.RowSplit;
import org.mlj.api.spi.ModelSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/**
 * The {@code tensorflow} backend: loads TensorFlow SavedModel directories, mlj bundles (their
 * {@code saved_model/}) and TensorFlow 1 frozen graphs ({@code frozen_model.pb}, see
 * {@link FrozenGraphLoader}) with TensorFlow Java, registered in {@code META-INF/services} so that
 * this jar on the classpath is all it takes.
 *
 * <p>Load options: {@link #TAGS}, {@link #INTRA_OP_THREADS}, {@link #INTER_OP_THREADS},
 * {@link #RUN_IN_CALLER_THREAD} (the thread policy), {@link #ALLOW_OPS} and, for a frozen graph,
 * {@link #OUTPUTS} (the tensors to return; default: the graph's sinks) (see
 * {@link #options()}), plus {@link LoadOptions#signature()}, which is checked against the SavedModel's
 * signatures before the native load. It has priority 10 for every format, so it is the default
 * backend for bundles.
 *
 * <p><b>Safety:</b> before TensorFlow sees a SavedModel or a frozen graph, every op that loading or
 * calling it can run is checked against an allowlist of side-effect-free compute ops, and a model that
 * could read, write or list files is refused naming the ops ({@link SavedModelOps}); the option
 * {@link #ALLOW_OPS} ({@code OP1,OP2} or {@code *}) opts in.
 *
 * <p>Every signature is listed; inputs and outputs are named by their signature keys ({@code image},
 * {@code output_0}), never by graph tensor names. SavedModel signatures are unordered maps, so order
 * comes from the bundle manifest when there is one (model order); without one, outputs keyed
 * {@code output_0, output_1, ...} (Keras {@code model.export}) sort by their number, and anything else
 * sorts by graph tensor name in natural order ({@code :2} before {@code :10}), then by key. A TF1
 * Keras {@code keras_learning_phase} input is optional and fed {@code false} when left out.
 *
 * <p>Named after its runtime, like {@code Dl4jBackend}. Stateless and thread-safe; each loaded
 * {@link TensorFlowModel} owns its native session and must be closed by the caller. A failure after
 * the native load closes what was loaded.
 */
public final class TensorFlowBackend implements Backend {
    /** The backend name. */
    public static final String NAME = "tensorflow";

    /** Load option: the SavedModel tag-set to load. */
    public static final BackendOption<List<String>> TAGS = BackendOption.names("tensorflow.tags", List.of(SavedModelBundle.DEFAULT_TAG),
            "the SavedModel tag-set to load");
    /** Load option: threads inside one op; 0 leaves TensorFlow's default. */
    public static final BackendOption<Integer> INTRA_OP_THREADS = BackendOption.integer("tensorflow.intraOpThreads", 0, 0,
            "threads inside one op (0: TensorFlow's default, one per core)");
    /** Load option: threads running independent ops; 0 leaves TensorFlow's default. */
    public static final BackendOption<Integer> INTER_OP_THREADS = BackendOption.integer("tensorflow.interOpThreads", 0, 0,
            "threads running independent ops (0: TensorFlow's default)");

    /**
     * Load option: run each call's ops on the calling thread instead of handing them to the inter-op
     * thread pool ({@code RunOptions.inter_op_thread_pool = -1}); default true. Big ops still split
     * across the intra-op pool (one thread per core unless {@link #INTRA_OP_THREADS} says otherwise),
     * while small ones run inline: a large batch gets every core and a batch of one no thread hand-off
     * (which is most of a small model's call: see BENCHMARKS.md). Turn it off for graphs with wide,
     * independent branches, which then run in parallel on the inter-op pool.
     */
    public static final BackendOption<Boolean> RUN_IN_CALLER_THREAD = BackendOption.bool("tensorflow.runInCallerThread", true,
            "run each call's ops on the calling thread (no hand-off to the inter-op pool; big ops still use the intra-op threads)");

    /**
     * Load option: the fewest rows a part of a split call gets ({@link RowSplit}; 0: never split). A
     * call of at least twice as many rows that runs alone on the model is cut into one part per core,
     * run at the same time, where that is measured to be faster: TensorFlow splits a big op over its
     * intra-op threads, but not a While-loop LSTM's thousands of small ones, so only parts use both
     * cores there.
     */
    public static final BackendOption<Integer> SPLIT_ROWS = RowSplit.option(NAME, 32);

    private static final Logger LOG = LoggerFactory.getLogger(TensorFlowBackend.class);
    private static final int PRIORITY = 10;
    /** Load option: ops outside the allowlist of side-effect-free ops that a SavedModel may run ({@code *}: any). */
    public static final BackendOption<List<String>> ALLOW_OPS = BackendOption.names(SavedModelOps.ALLOW_OPS_PROPERTY, List.of(),
            "ops outside mlj's allowlist of side-effect-free ops a SavedModel may run, e.g. ReadFile, or * for any (see Security)");
    /** Load option: the tensors a frozen GraphDef's signature returns ({@code name} means {@code name:0}); empty: its sinks. */
    public static final BackendOption<List<String>> OUTPUTS = BackendOption.names("tensorflow.outputs", List.of(),
            "for a frozen GraphDef: the tensors to return, e.g. logits,probs:0 (default: the graph's sinks)");
    private static final List<BackendOption<?>> OPTIONS = List.of(TAGS, INTRA_OP_THREADS, INTER_OP_THREADS, RUN_IN_CALLER_THREAD, SPLIT_ROWS, ALLOW_OPS, OUTPUTS);

    private final Consumer<SavedModelBundle> afterLoad;

    /** The backend, as {@link java.util.ServiceLoader} creates it. */
    public TensorFlowBackend() {
        this(bundle -> { });
    }

    /** A backend that runs {@code afterLoad} on each loaded SavedModel: lets tests fail a load after the native load. */
    TensorFlowBackend(Consumer<SavedModelBundle> afterLoad) {
        this.afterLoad = afterLoad;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String artifact() {
        return "org.mlj:mlj-tensorflow";
    }

    @Override
    public Set<ModelFormat> formats() {
        return Set.of(ModelFormat.SAVED_MODEL, ModelFormat.GRAPH_DEF, ModelFormat.MLJ_BUNDLE);
    }

    /** A SavedModel directory, a frozen GraphDef, or a bundle whose manifest lists an existing {@code saved_model/}. */
    @Override
    public boolean canLoad(ModelSource source) {
        return source.format() == ModelFormat.SAVED_MODEL || source.format() == ModelFormat.GRAPH_DEF
                || (source.format() == ModelFormat.MLJ_BUNDLE && source.manifest().flatMap(m -> m.file("saved_model")).isPresent());
    }

    @Override
    public List<BackendOption<?>> options() {
        return OPTIONS;
    }

    @Override
    public int priority(ModelFormat format) {
        return formats().contains(format) ? PRIORITY : 0;
    }

    /**
     * Loads the SavedModel of {@code source}.
     *
     * @throws ModelLoadException if the path is no SavedModel, is corrupt, lacks the tags or the signature asked for
     * @throws org.mlj.api.UnsupportedModelException if the graph uses an op this TensorFlow runtime does not know
     */
    @Override
    public Model load(ModelSource source, LoadOptions options) {
        if (source.format() == ModelFormat.GRAPH_DEF) {
            return FrozenGraphLoader.load(source, options, config(options));
        }
        if (options.option(OUTPUTS.key()).isPresent()) {
            throw new ModelLoadException("Load option " + OUTPUTS.key() + " names the outputs of a frozen GraphDef; "
                    + source.path() + " is a " + source.format().description() + ", whose signatures name their outputs");
        }
        Path directory = savedModelDirectory(source);
        List<String> tags = TAGS.get(options);
        ConfigProto config = config(options);
        options.signature().ifPresent(name -> SavedModelDiagnosis.requireSignature(directory, tags, name));
        long start = System.nanoTime();
        SavedModelOps.check(directory, tags, options);
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(directory.toString())
                    .withTags(tags.toArray(String[]::new))
                    .withConfigProto(config)
                    .load();
        } catch (RuntimeException e) {
            throw SavedModelDiagnosis.explain(directory, tags, e);
        }
        try {
            afterLoad.accept(bundle);
            SavedModelDiagnosis.requireVariables(directory, bundle.metaGraphDef());
            TensorFlowModel model = TensorFlowModel.of(source, directory, tags, bundle, options);
            LOG.info("Loaded {} with TensorFlow {} (tags {}) in {} ms: {}", directory, TensorFlow.version(), tags,
                    (System.nanoTime() - start) / 1_000_000, model.signature());
            return model;
        } catch (RuntimeException | Error e) {
            bundle.close();
            throw e;
        }
    }

    private static Path savedModelDirectory(ModelSource source) {
        Path directory = switch (source.format()) {
            case SAVED_MODEL -> source.path();
            case MLJ_BUNDLE -> source.manifest().flatMap(m -> m.file("saved_model")).orElseThrow(() -> new ModelLoadException(
                    "Bundle " + source.path() + " has no SavedModel (mlj.json 'files.saved_model' is "
                            + source.manifest().map(BundleManifest::files).map(f -> f.get("saved_model")).orElse(null)
                            + " and must name an existing directory); re-export it with " + BundleManifest.EXPORT_COMMAND));
            default -> throw new ModelLoadException("The " + NAME + " backend loads SavedModel directories and mlj bundles, not "
                    + source.format().description() + " (" + source.path() + "); " + source.format().artifact() + " loads it");
        };
        if (!Files.exists(directory)) {
            throw new ModelLoadException("SavedModel path " + directory + " does not exist");
        }
        if (!ModelFormat.isSavedModel(directory)) {
            throw new ModelLoadException(directory + " is not a SavedModel: it has no " + ModelFormat.SAVED_MODEL_FILE);
        }
        return directory;
    }

    private static ConfigProto config(LoadOptions options) {
        int intra = INTRA_OP_THREADS.get(options);
        int inter = INTER_OP_THREADS.get(options);
        if (intra == 0 && inter == 0) {
            return null;
        }
        return ConfigProto.newBuilder().setIntraOpParallelismThreads(intra).setInterOpParallelismThreads(inter).build();
    }
}
