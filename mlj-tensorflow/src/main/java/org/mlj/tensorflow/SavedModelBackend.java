package org.mlj.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.mlj.api.BundleManifest;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.spi.Backend;
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
 * <p>Load options used: {@link LoadOptions#tags()} (default {@code serve}),
 * {@link LoadOptions#signature()}, {@link LoadOptions#intraOpThreads()} and
 * {@link LoadOptions#interOpThreads()} (0 leaves TensorFlow's default); for a frozen graph the
 * property {@value #OUTPUTS_PROPERTY} names the tensors to return (default: the graph's sinks). It has
 * priority 10 for every format, so it is the default backend for bundles.
 *
 * <p>Every signature is listed; inputs and outputs are named by their signature keys ({@code image},
 * {@code output_0}), never by graph tensor names. SavedModel signatures are unordered maps, so order
 * comes from the bundle manifest when there is one (model order); without one, outputs keyed
 * {@code output_0, output_1, ...} (Keras {@code model.export}) sort by their number, and anything else
 * sorts by graph tensor name in natural order ({@code :2} before {@code :10}), then by key. A TF1
 * Keras {@code keras_learning_phase} input is optional and fed {@code false} when left out.
 *
 * <p>Stateless and thread-safe; each loaded {@link TensorFlowModel} owns its native session and must
 * be closed by the caller.
 */
public final class SavedModelBackend implements Backend {
    /** The backend name. */
    public static final String NAME = "tensorflow";
    /** LoadOptions property: the output tensors of a frozen GraphDef, comma-separated ({@code logits,probabilities}). */
    public static final String OUTPUTS_PROPERTY = FrozenGraphLoader.OUTPUTS_PROPERTY;

    private static final Logger LOG = LoggerFactory.getLogger(SavedModelBackend.class);
    private static final int PRIORITY = 10;

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
        if (options.property(OUTPUTS_PROPERTY).isPresent()) {
            throw new ModelLoadException("LoadOptions property " + OUTPUTS_PROPERTY + " names the outputs of a frozen GraphDef; "
                    + source.path() + " is a " + source.format().description() + ", whose signatures name their outputs");
        }
        Path directory = savedModelDirectory(source);
        List<String> tags = options.tags().isEmpty() ? List.of(SavedModelBundle.DEFAULT_TAG) : options.tags();
        long start = System.nanoTime();
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(directory.toString())
                    .withTags(tags.toArray(String[]::new))
                    .withConfigProto(config(options))
                    .load();
        } catch (RuntimeException e) {
            throw SavedModelDiagnosis.explain(directory, tags, e);
        }
        try {
            SavedModelDiagnosis.requireVariables(directory, bundle.metaGraphDef());
            TensorFlowModel model = TensorFlowModel.of(source, directory, tags, bundle, options);
            LOG.info("Loaded {} with TensorFlow {} (tags {}) in {} ms: {}", directory, TensorFlow.version(), tags,
                    (System.nanoTime() - start) / 1_000_000, model.signature());
            return model;
        } catch (RuntimeException e) {
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
                            + " and must name an existing directory); re-export it with python -m mlj_export bundle MODEL.keras OUT_DIR"));
            default -> throw new ModelLoadException("The " + NAME + " backend loads SavedModel directories and mlj bundles, not "
                    + source.format().description() + " (" + source.path() + "); " + source.format().artifact() + " loads it");
        };
        if (!Files.exists(directory)) {
            throw new ModelLoadException("SavedModel path " + directory + " does not exist");
        }
        if (!Files.isRegularFile(directory.resolve("saved_model.pb")) && !Files.isRegularFile(directory.resolve("saved_model.pbtxt"))) {
            throw new ModelLoadException(directory + " is not a SavedModel: it has no saved_model.pb");
        }
        return directory;
    }

    private static ConfigProto config(LoadOptions options) {
        if (options.intraOpThreads() == 0 && options.interOpThreads() == 0) {
            return null;
        }
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(options.intraOpThreads())
                .setInterOpParallelismThreads(options.interOpThreads())
                .build();
    }
}
