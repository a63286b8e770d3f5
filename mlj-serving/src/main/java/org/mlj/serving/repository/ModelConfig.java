package org.mlj.serving.repository;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One served model: TF Serving's {@code ModelConfig} (name, base path with numbered version
 * directories, version policy, version labels). Immutable.
 *
 * @param name the model name in URLs
 * @param basePath the directory holding {@code 1/}, {@code 2/}, ...
 * @param policy which versions to serve
 * @param labels version label to version number (e.g. {@code stable -> 1})
 */
public record ModelConfig(String name, Path basePath, VersionPolicy policy, Map<String, Long> labels) {
    /** Checks and copies the components. */
    public ModelConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(basePath, "basePath");
        Objects.requireNonNull(policy, "policy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A model needs a name");
        }
        labels = Map.copyOf(new TreeMap<>(labels));
    }

    /** A model served with the default policy (latest version) and no labels. */
    public static ModelConfig of(String name, Path basePath) {
        return new ModelConfig(name, basePath, VersionPolicy.latest(), Map.of());
    }
}
