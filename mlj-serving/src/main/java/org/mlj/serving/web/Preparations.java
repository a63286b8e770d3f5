package org.mlj.serving.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mlj.serving.repository.ModelVersion;

/**
 * The {@link BundleInputs} of each model version, read once (a text bundle's vocabulary is tens of
 * thousands of lines) and forgotten when the version has ended. Thread-safe.
 */
final class Preparations {
    private final Map<ModelVersion, BundleInputs> byVersion = new ConcurrentHashMap<>();

    /** The inputs of a version. */
    BundleInputs of(ModelVersion version) {
        byVersion.keySet().removeIf(known -> known.state() == ModelVersion.State.END);
        return byVersion.computeIfAbsent(version, v -> BundleInputs.of(v.path()));
    }
}
