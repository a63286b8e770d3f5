package org.mlj.api.spi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.BundleInfo;
import org.mlj.api.InvalidInputException;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Outputs;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.UnsupportedModelException;

/**
 * Base class of backend models. It does what every backend must do the same way: validate inputs
 * against the signature and layer names against {@link #layers()} before native code runs, keep
 * calls and {@link #close()} apart (a read-write lock: calls run concurrently, close waits for them),
 * and refuse calls after close.
 *
 * <p>Subclasses implement {@link #run}, optionally {@link #runLayers}, and {@link #release}; they get
 * inputs that already fit the signature.
 */
public abstract class AbstractModel implements Model {
    private final String backend;
    private final ModelSource source;
    private final List<Signature> signatures;
    private final List<LayerInfo> layers;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    /**
     * @param backend the backend name
     * @param source what was loaded
     * @param signatures the signatures, default first
     * @param layers the layers whose outputs {@link #runLayers} can return, in model order
     */
    protected AbstractModel(String backend, ModelSource source, List<Signature> signatures, List<LayerInfo> layers) {
        if (signatures.isEmpty()) {
            throw new ModelLoadException("Model " + source.path() + " has no signature to run");
        }
        this.backend = backend;
        this.source = source;
        this.signatures = List.copyOf(signatures);
        this.layers = List.copyOf(layers);
    }

    /**
     * Orders signatures so that the default one comes first: {@code requested} if given, else
     * {@code preferred} when present, else the first one.
     *
     * @throws ModelLoadException if {@code requested} names no signature, listing the available ones
     */
    public static List<Signature> withDefaultFirst(List<Signature> signatures, Optional<String> requested, String preferred) {
        String first = requested.orElse(preferred);
        Optional<Signature> chosen = signatures.stream().filter(s -> s.name().equals(first)).findFirst();
        if (chosen.isEmpty() && requested.isPresent()) {
            throw new ModelLoadException("Unknown signature '" + requested.get() + "'; the model has "
                    + signatures.stream().map(Signature::name).toList());
        }
        if (chosen.isEmpty()) {
            return List.copyOf(signatures);
        }
        List<Signature> ordered = new ArrayList<>();
        ordered.add(chosen.get());
        signatures.stream().filter(s -> s != chosen.get()).forEach(ordered::add);
        return ordered;
    }

    @Override
    public final String backend() {
        return backend;
    }

    @Override
    public final Path source() {
        return source.path();
    }

    @Override
    public final ModelFormat format() {
        return source.format();
    }

    @Override
    public final List<Signature> signatures() {
        return signatures;
    }

    @Override
    public final List<LayerInfo> layers() {
        return layers;
    }

    @Override
    public Optional<BundleInfo> bundle() {
        return source.manifest().map(BundleManifest::info);
    }

    @Override
    public Map<String, String> details() {
        return Map.of();
    }

    @Override
    public boolean supportsLayerOutputs() {
        return layerOutputsUnsupportedReason().isEmpty();
    }

    /** By default a backend serves no layer outputs; backends that do override this and {@link #runLayers}. */
    @Override
    public Optional<String> layerOutputsUnsupportedReason() {
        return Optional.of("the " + backend + " backend does not serve layer outputs");
    }

    @Override
    public final Outputs predict(String signatureName, Map<String, Tensor> inputs) {
        Signature signature = signature(signatureName);
        signature.validate(inputs);
        lock.readLock().lock();
        try {
            checkOpen();
            return rowSplit().run(signature, inputs, part -> run(signature, part));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public final Outputs layerOutputs(Map<String, Tensor> inputs, Collection<String> layerNames) {
        Optional<String> unsupported = layerOutputsUnsupportedReason();
        if (unsupported.isPresent()) {
            throw new UnsupportedModelException("Layer outputs are unavailable for " + source.path() + ": " + unsupported.get());
        }
        List<String> names = checkLayerNames(layerNames);
        signature().validate(inputs);
        lock.readLock().lock();
        try {
            checkOpen();
            return rowSplit().run(signature(), inputs, part -> runLayers(part, names));
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<String> checkLayerNames(Collection<String> layerNames) {
        if (layerNames == null || layerNames.isEmpty()) {
            throw new InvalidInputException("No layer names given; the model's layers are " + layerNames());
        }
        Set<String> known = new LinkedHashSet<>(layerNames());
        for (String name : layerNames) {
            if (!known.contains(name)) {
                throw new InvalidInputException("Unknown layer '" + name + "'; the model's layers are " + known);
            }
        }
        return List.copyOf(new LinkedHashSet<>(layerNames));
    }

    private List<String> layerNames() {
        return layers.stream().map(LayerInfo::name).toList();
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether {@link #close()} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Model " + source.path() + " (" + backend + ") is closed");
        }
    }

    /**
     * Runs a signature on inputs that passed {@link Signature#validate}. Called concurrently.
     */
    protected abstract Outputs run(Signature signature, Map<String, Tensor> inputs);

    /**
     * Computes layer outputs for valid inputs of the default signature and known, distinct layer names.
     * Called concurrently. The default throws {@link UnsupportedModelException}.
     */
    protected Outputs runLayers(Map<String, Tensor> inputs, List<String> layerNames) {
        throw new UnsupportedModelException("The " + backend + " backend does not serve layer outputs");
    }

    /**
     * How large calls are cut into parts that run on several cores at once ({@link RowSplit}); the
     * default never splits. Backends return the policy their {@code splitRows} option chose.
     */
    protected RowSplit rowSplit() {
        return RowSplit.NONE;
    }

    /** Frees native resources; called once, with no call running. */
    protected abstract void release();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + source.path() + ", " + backend + ")";
    }
}
