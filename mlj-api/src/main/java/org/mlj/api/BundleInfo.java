package org.mlj.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an mlj bundle tells a user about its model: a read-only view of the bundle manifest
 * ({@code mlj.json}), kept small so that the manifest's format can grow without changing this API.
 * Returned by {@link Model#bundle()}. Immutable and thread-safe.
 *
 * @param name the model's name, e.g. {@code mnist_cnn}
 * @param description what the model does; empty string when the bundle says nothing
 * @param labels class labels in output order; empty when the model is not a classifier
 * @param versions the versions of the tools that wrote the bundle ({@code keras}, {@code tensorflow},
 *     {@code mlj_export})
 */
public record BundleInfo(String name, String description, List<String> labels, Map<String, String> versions) {

    /** Copies the collections and replaces {@code null}s by empty values. */
    public BundleInfo {
        name = Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        labels = labels == null ? List.of() : List.copyOf(labels);
        versions = versions == null ? Map.of() : Map.copyOf(versions);
    }

    /**
     * The label of class {@code index}, if the bundle has labels and the index is in range.
     */
    public Optional<String> label(int index) {
        return index >= 0 && index < labels.size() ? Optional.of(labels.get(index)) : Optional.empty();
    }
}
