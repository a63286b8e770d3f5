package org.mlj.api.spi;

import java.util.List;
import java.util.Set;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;

/**
 * An inference backend: the service a backend jar registers in
 * {@code META-INF/services/org.mlj.api.spi.Backend}, found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations need a public no-argument constructor, must be thread-safe and hold no native
 * resources themselves (each loaded {@link Model} owns its own). {@code mlj-api} never names a
 * backend class: putting a backend jar on the classpath is all it takes to use it.
 */
public interface Backend {

    /** The backend's name, as used by options, the CLI and {@code -Dmlj.backend}: {@code tensorflow}, {@code dl4j}. */
    String name();

    /** The Maven coordinates of the backend's artifact, for messages, e.g. {@code org.mlj:mlj-tensorflow}. */
    String artifact();

    /** The formats this backend loads. */
    Set<ModelFormat> formats();

    /**
     * Whether this backend can load this particular source. The default checks {@link #formats()};
     * backends override it to probe deeper (e.g. a bundle without the file the backend reads).
     */
    default boolean canLoad(ModelSource source) {
        return formats().contains(source.format());
    }

    /**
     * Rank among the backends that can load a format when the caller chose none; the highest wins,
     * ties go by name. The default is 0.
     */
    default int priority(ModelFormat format) {
        return 0;
    }

    /**
     * The load options this backend understands, each keyed {@code <name>.<option>}. The loader
     * refuses any other key, and any value that does not parse, before {@link #load} is called. The
     * default is none.
     */
    default List<BackendOption<?>> options() {
        return List.of();
    }

    /**
     * Loads a model. The options' keys and values have been checked against {@link #options()}.
     * An implementation checks what it can without native code first (signature names, files), and
     * releases every native resource it allocated when a later step fails.
     *
     * @throws org.mlj.api.ModelLoadException if it cannot be loaded (the message says why)
     * @throws org.mlj.api.UnsupportedModelException if the model uses what this backend cannot run
     */
    Model load(ModelSource source, LoadOptions options);
}
