package org.mlj.tensorflow;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.InvalidInputException;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.MljException;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Outputs;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.spi.AbstractModel;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.spi.RowSplit;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;

/**
 * A SavedModel or a frozen GraphDef loaded into a TensorFlow session (TensorFlow Java; the runtime
 * version is in {@link #details()}), as {@link TensorFlowBackend} returns it.
 *
 * <p>Every signature of the SavedModel is listed, named and ordered as {@link TensorFlowBackend}
 * describes. Layer outputs come from a bundle's {@code layer_outputs} signature: one run that fetches
 * only the layers asked for. {@link #details()} reports {@code tensorflow_version}, {@code saved_model}
 * (the directory loaded), {@code tags}, {@code intra_op_threads} and {@code inter_op_threads}
 * ({@code default} when TensorFlow chooses) and {@code run_in_caller_thread} (the thread policy of
 * {@link TensorFlowBackend#RUN_IN_CALLER_THREAD}).
 *
 * <p><b>Thread-safety:</b> {@code predict} and {@code layerOutputs} may run from many threads at once:
 * each call builds its own session runner and tensors, and {@code Session.run} is thread-safe.
 * <b>Memory:</b> each call hands its inputs to TensorFlow in place (direct tensors, as the {@link Tensor}
 * factories make them; others are copied into native tensors), copies its results into new
 * {@link Tensor}s, and closes every native tensor before returning, also when it fails. The model
 * owns the session and graph (of its {@code SavedModelBundle}, or of the imported GraphDef);
 * {@link #close()} frees them.
 */
public final class TensorFlowModel extends AbstractModel {
    private final AutoCloseable resources;
    private final Session session;
    private final Map<String, BoundSignature> signaturesByName;
    private final BoundSignature layerSignature;
    private final String layerOutputsUnsupported;
    private final Map<String, String> details;
    /** Per-call run options (the thread policy), or null for TensorFlow's defaults. */
    private final RunOptions runOptions;
    private final RowSplit rowSplit;

    private TensorFlowModel(ModelSource source, AutoCloseable resources, Session session, List<Signature> signatures,
                            Map<String, BoundSignature> signaturesByName, List<LayerInfo> layers, BoundSignature layerSignature,
                            String layerOutputsUnsupported, Map<String, String> details, RunOptions runOptions, RowSplit rowSplit) {
        super(TensorFlowBackend.NAME, source, signatures, layers);
        this.resources = resources;
        this.session = session;
        this.signaturesByName = signaturesByName;
        this.layerSignature = layerSignature;
        this.layerOutputsUnsupported = layerOutputsUnsupported;
        this.details = details;
        this.runOptions = runOptions;
        this.rowSplit = rowSplit;
    }

    /**
     * Wraps a loaded bundle; the model owns it from then on (the caller closes it only if this throws).
     *
     * @param directory the SavedModel directory that was loaded
     * @param tags the tags it was loaded with
     * @throws ModelLoadException for an unknown requested signature or a bundle whose manifest does not match its SavedModel
     */
    static TensorFlowModel of(ModelSource source, Path directory, List<String> tags, SavedModelBundle bundle, LoadOptions options) {
        Optional<BundleManifest> manifest = source.manifest();
        Map<String, BoundSignature> byName = new LinkedHashMap<>();
        new SignatureReader(source.path(), bundle.graph(), manifest).read(bundle.metaGraphDef(), options.signature())
                .forEach(bound -> byName.put(bound.name(), bound));
        List<Signature> signatures = withDefaultFirst(byName.values().stream().map(BoundSignature::signature).toList(),
                options.signature(), manifest.map(BundleManifest::defaultSignature).orElse(Signature.DEFAULT_NAME));

        Optional<String> layerSignatureName = manifest.flatMap(BundleManifest::layerOutputsSignature);
        BoundSignature layerSignature = layerSignatureName.map(byName::get).orElse(null);
        if (layerSignatureName.isPresent() && layerSignature == null) {
            throw new ModelLoadException("Bundle " + source.path() + " is inconsistent: mlj.json names signature '"
                    + layerSignatureName.get() + "' for layer outputs, but its saved_model has " + byName.keySet()
                    + "; re-export it with " + BundleManifest.EXPORT_COMMAND);
        }
        List<LayerInfo> layers = layerSignature == null ? List.of() : manifest.orElseThrow().layerInfos();

        Map<String, String> details = new LinkedHashMap<>();
        details.put("tensorflow_version", TensorFlow.version());
        details.put("saved_model", directory.toString());
        details.put("tags", String.join(",", tags));
        details.put("intra_op_threads", threads(TensorFlowBackend.INTRA_OP_THREADS.get(options)));
        details.put("inter_op_threads", threads(TensorFlowBackend.INTER_OP_THREADS.get(options)));
        return new TensorFlowModel(source, bundle, bundle.session(), signatures, Map.copyOf(byName), layers, layerSignature,
                layerSignature == null ? whyNoLayerOutputs(source, directory) : null, Collections.unmodifiableMap(details),
                runOptions(options, details), rowSplit(source, options, details));
    }

    /**
     * Wraps an imported frozen graph with its one signature; the model owns {@code resources} (which
     * close the session and the graph) from then on.
     */
    static TensorFlowModel ofGraph(ModelSource source, AutoCloseable resources, Session session, BoundSignature signature,
                                   Map<String, String> details, LoadOptions options) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("tensorflow_version", TensorFlow.version());
        all.putAll(details);
        RunOptions runOptions = runOptions(options, all);
        RowSplit rowSplit = rowSplit(source, options, all);
        return new TensorFlowModel(source, resources, session, List.of(signature.signature()), Map.of(signature.name(), signature),
                List.of(), null, "a frozen GraphDef has no layer names and order; fetch inner tensors by listing them in "
                + TensorFlowBackend.OUTPUTS.key(), Collections.unmodifiableMap(all), runOptions, rowSplit);
    }

    /**
     * The per-call run options of {@link TensorFlowBackend#RUN_IN_CALLER_THREAD} (null: TensorFlow's
     * defaults), recorded in {@code details} as {@code run_in_caller_thread}.
     */
    private static RunOptions runOptions(LoadOptions options, Map<String, String> details) {
        boolean callerThread = TensorFlowBackend.RUN_IN_CALLER_THREAD.get(options);
        details.put("run_in_caller_thread", Boolean.toString(callerThread));
        // inter_op_thread_pool -1: DirectSession runs the step's ops on the thread that called Session.run.
        return callerThread ? RunOptions.newBuilder().setInterOpThreadPool(-1).build() : null;
    }

    /** The large-batch policy of {@link TensorFlowBackend#SPLIT_ROWS}, recorded in {@code details} as {@code split_rows}. */
    private static RowSplit rowSplit(ModelSource source, LoadOptions options, Map<String, String> details) {
        RowSplit split = RowSplit.of(TensorFlowBackend.SPLIT_ROWS, options, source.path().toString(), false);
        details.put("split_rows", split.minRows() == 0 ? "off" : Integer.toString(split.minRows()));
        return split;
    }

    @Override
    protected RowSplit rowSplit() {
        return rowSplit;
    }

    private static String whyNoLayerOutputs(ModelSource source, Path directory) {
        if (source.manifest().isPresent()) {
            return "bundle " + source.path() + " names no layer_outputs signature in mlj.json; re-export it with " + BundleManifest.EXPORT_COMMAND;
        }
        return "SavedModel " + directory + " has no layer names and order (only an mlj bundle's mlj.json and its layer_outputs "
                + "signature carry them); export a bundle with " + BundleManifest.EXPORT_COMMAND + " and load that directory";
    }

    private static String threads(int count) {
        return count == 0 ? "default" : Integer.toString(count);
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    @Override
    public Optional<String> layerOutputsUnsupportedReason() {
        return Optional.ofNullable(layerOutputsUnsupported);
    }

    @Override
    protected Outputs run(Signature signature, Map<String, Tensor> inputs) {
        BoundSignature bound = signaturesByName.get(signature.name());
        return execute(bound, inputs, bound.allOutputs());
    }

    @Override
    protected Outputs runLayers(Map<String, Tensor> inputs, List<String> layerNames) {
        layerSignature.signature().validate(inputs);
        return execute(layerSignature, inputs, layerSignature.fetches(layerNames));
    }

    private Outputs execute(BoundSignature bound, Map<String, Tensor> inputs, BoundSignature.Fetches fetches) {
        List<TensorSpec> specs = bound.inputs();
        org.tensorflow.Tensor[] fed = new org.tensorflow.Tensor[specs.size()];
        try {
            Session.Runner runner = session.runner();
            if (runOptions != null) {
                runner.setOptions(runOptions);
            }
            for (int i = 0; i < fed.length; i++) {
                Tensor value = inputs.get(specs.get(i).name());
                // Absent inputs passed validation, so they are optional: the learning-phase flag is fed as inference,
                // anything else (a PlaceholderWithDefault) keeps its default.
                if (value == null && !isLearningPhase(specs.get(i).name(), bound.feed(i))) {
                    continue;
                }
                fed[i] = value == null ? TBool.scalarOf(false) : TensorConversion.toTensorFlow(value);
                runner.feed(bound.feed(i), fed[i]);
            }
            for (Output<?> tensor : fetches.tensors()) {
                runner.fetch(tensor);
            }
            try (Result result = runner.run()) {
                Map<String, Tensor> outputs = new LinkedHashMap<>();
                int[] positions = fetches.positions();
                for (int i = 0; i < positions.length; i++) {
                    outputs.put(fetches.names().get(i), TensorConversion.toMlj(result.get(positions[i])));
                }
                return new Outputs(outputs);
            }
        } catch (TFInvalidArgumentException e) {
            throw new InvalidInputException("TensorFlow rejected the inputs of signature '" + bound.name() + "' of "
                    + source() + ": " + e.getMessage(), e);
        } catch (TensorFlowException e) {
            throw new MljException("TensorFlow failed running signature '" + bound.name() + "' of " + source() + ": "
                    + e.getMessage(), e);
        } finally {
            for (org.tensorflow.Tensor tensor : fed) {
                if (tensor != null) {
                    tensor.close();
                }
            }
            // Native tensors made over the inputs' memory were valid only while the inputs were reachable.
            Reference.reachabilityFence(inputs);
        }
    }

    private static boolean isLearningPhase(String name, Output<?> tensor) {
        return name.equals(SignatureReader.LEARNING_PHASE) || tensor.op().name().equals(SignatureReader.LEARNING_PHASE);
    }

    @Override
    protected void release() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new MljException("Cannot close the TensorFlow session of " + source() + ": " + e.getMessage(), e);
        }
    }
}
