package org.mlj.examples;

import java.nio.file.Path;

/**
 * Where the commands find the bundled models and samples: {@code models/} and {@code samples/} under
 * the repository root. The {@code ./mlj} launcher passes the root as {@code -Dmlj.root}; without it
 * the working directory is the root. Immutable and thread-safe.
 *
 * @param root the repository root
 */
public record Workspace(Path root) {

    /** System property naming the repository root. */
    public static final String ROOT_PROPERTY = "mlj.root";

    /** The root named by {@value #ROOT_PROPERTY}, else the working directory. */
    public static Workspace fromSystemProperties() {
        String configured = System.getProperty(ROOT_PROPERTY);
        Path root = configured == null || configured.isBlank() ? Path.of("") : Path.of(configured);
        return new Workspace(root.toAbsolutePath().normalize());
    }

    /** {@code models/<name>}, whether or not it exists. */
    public Path model(String name) {
        return root.resolve("models").resolve(name);
    }

    /** {@code samples/<relative>}, whether or not it exists. */
    public Path sample(String relative) {
        return root.resolve("samples").resolve(relative);
    }
}
