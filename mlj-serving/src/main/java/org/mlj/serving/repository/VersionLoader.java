package org.mlj.serving.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoader;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.serving.proto.SavedModelSignatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one version directory with the backends on the classpath and warms it up. A version
 * directory holds anything mlj loads: an mlj bundle, a SavedModel, or one {@code .keras} /
 * {@code .h5} file. Warm-up runs the default signature {@code warmupIterations} times on inputs
 * synthesised from its specs (zeros, empty strings, unknown dimensions as 1), so the first real
 * request does not pay for lazy native initialisation. Thread-safe.
 */
public final class VersionLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VersionLoader.class);

    private final ModelLoader loader;
    private final LoadOptions options;
    private final int warmupIterations;

    /**
     * @param loader finds the backends
     * @param backend the backend to use, or empty for the loader's choice
     * @param warmupIterations predictions run before a version becomes available (0: none)
     */
    public VersionLoader(ModelLoader loader, Optional<String> backend, int warmupIterations) {
        this(loader, backend, Map.of(), warmupIterations);
    }

    /**
     * @param loader finds the backends
     * @param backend the backend to use, or empty for the loader's choice
     * @param backendOptions backend load options for every version (e.g. {@code tensorflow.allowOps})
     * @param warmupIterations predictions run before a version becomes available (0: none)
     */
    public VersionLoader(ModelLoader loader, Optional<String> backend, Map<String, String> backendOptions, int warmupIterations) {
        this.loader = loader;
        LoadOptions.Builder builder = LoadOptions.builder().options(backendOptions);
        backend.ifPresent(builder::backend);
        this.options = builder.build();
        this.warmupIterations = warmupIterations;
    }

    /** A loaded and warmed-up version. The caller owns (closes) the model. */
    record Loaded(Model model, SavedModelSignatures savedModel) {
    }

    /**
     * Loads and warms up the model in {@code directory}.
     *
     * @throws RuntimeException (typically {@link org.mlj.api.ModelLoadException}) with a message for the status API
     */
    Loaded load(Path directory) {
        Path modelPath = resolve(directory);
        Model model = loader.load(modelPath, options);
        try {
            SavedModelSignatures signatures = savedModelSignatures(model, modelPath).orElse(null);
            warmUp(model);
            return new Loaded(model, signatures);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The path to hand to the loader: the directory itself, or the one Keras file inside it. */
    static Path resolve(Path directory) {
        if (Files.isRegularFile(directory.resolve(ModelFormat.MANIFEST_FILE)) || ModelFormat.isSavedModel(directory)) {
            return directory;
        }
        List<Path> kerasFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile).filter(file -> {
                String name = file.getFileName().toString();
                return name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5");
            }).sorted().forEach(kerasFiles::add);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list version directory " + directory + ": " + e.getMessage(), e);
        }
        Optional<Path> keras = kerasFiles.stream().filter(file -> file.getFileName().toString().endsWith(".keras")).findFirst();
        if (keras.isPresent()) {
            return keras.get();
        }
        if (!kerasFiles.isEmpty()) {
            return kerasFiles.get(0);
        }
        throw new IllegalStateException("Version directory " + directory + " holds no model: expected an mlj bundle (mlj.json), "
                + "a SavedModel (saved_model.pb) or a .keras / .h5 file");
    }

    private static Optional<SavedModelSignatures> savedModelSignatures(Model model, Path modelPath) {
        if (!"tensorflow".equals(model.backend())) {
            return Optional.empty();
        }
        Path savedModel = model.format() == ModelFormat.MLJ_BUNDLE ? modelPath.resolve("saved_model") : modelPath;
        try {
            return SavedModelSignatures.read(savedModel);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("event=signature_defs_unreadable path={} error=\"{}\"", savedModel, e.getMessage());
            return Optional.empty();
        }
    }

    private void warmUp(Model model) {
        if (warmupIterations <= 0) {
            return;
        }
        Signature signature = model.signature();
        Map<String, Tensor> inputs = new HashMap<>();
        for (TensorSpec spec : signature.requiredInputs()) {
            Optional<Tensor> tensor = synthesize(spec);
            if (tensor.isEmpty()) {
                LOG.info("event=warmup_skipped model={} reason=\"input {} has unknown rank\"", model.source(), spec.name());
                return;
            }
            inputs.put(spec.name(), tensor.get());
        }
        try {
            for (int i = 0; i < warmupIterations; i++) {
                model.predict(signature.name(), inputs);
            }
        } catch (RuntimeException e) {
            // Synthetic zeros are not valid for every model (e.g. serialized tf.Examples): serve anyway.
            LOG.warn("event=warmup_failed model={} signature={} error=\"{}\"", model.source(), signature.name(), e.getMessage());
        }
    }

    /** Zeros (or empty strings) of the spec's shape with unknown dimensions as 1. */
    static Optional<Tensor> synthesize(TensorSpec spec) {
        Shape shape = spec.shape();
        if (shape.isUnknownRank()) {
            return Optional.empty();
        }
        long[] dims = shape.dims();
        for (int i = 0; i < dims.length; i++) {
            dims[i] = dims[i] == Shape.UNKNOWN ? 1 : dims[i];
        }
        Shape concrete = Shape.of(dims);
        int size = Math.toIntExact(concrete.size());
        if (spec.dtype() == DType.STRING) {
            return Optional.of(Tensor.ofByteStrings(new byte[size][0], dims));
        }
        return Optional.of(Tensor.of(spec.dtype(), concrete, java.nio.ByteBuffer.allocate(size * spec.dtype().byteSize())));
    }
}
