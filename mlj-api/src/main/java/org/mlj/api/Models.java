package org.mlj.api;

import java.nio.file.Path;
import java.util.List;
import org.mlj.api.spi.Backend;

/**
 * The static entry point for plain library use: loads models with the backends on the classpath.
 * Applications wired with Guice inject a {@link ModelLoader} instead (see {@link org.mlj.api.guice.MljModule}).
 *
 * <pre>{@code
 * try (Model model = Models.load(Path.of("models/mnist_ffnn"))) { ... }
 * }</pre>
 *
 * <p>Thread-safe. Backends are discovered once, on first use.
 */
public final class Models {
    private Models() {
    }

    private static final class Holder {
        static final ModelLoader LOADER = ModelLoader.fromClasspath();
    }

    /** The loader over the backends found on the classpath. */
    public static ModelLoader loader() {
        return Holder.LOADER;
    }

    /** Loads a model with the default choice of backend (see {@link ModelLoader}). */
    public static Model load(Path path) {
        return loader().load(path);
    }

    /** Loads a model with these options. */
    public static Model load(Path path, LoadOptions options) {
        return loader().load(path, options);
    }

    /** The backends found on the classpath, sorted by name. */
    public static List<Backend> backends() {
        return loader().backends();
    }
}
