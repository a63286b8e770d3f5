package org.mlj.api.spi;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.ModelFormat;

/**
 * What a {@link Backend} is asked to load: the path, its detected format, and the bundle manifest
 * when the path is an mlj bundle. Immutable and thread-safe.
 *
 * @param path the model path as given (file or directory)
 * @param format the detected format
 * @param manifest the parsed {@code mlj.json} of a bundle, else empty
 */
public record ModelSource(Path path, ModelFormat format, Optional<BundleManifest> manifest) {

    /** Validates the components. */
    public ModelSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(manifest, "manifest");
    }

    /**
     * Detects the format of {@code path} and reads the manifest of a bundle.
     *
     * @throws org.mlj.api.ModelLoadException if the path is missing, not a model, or has a broken manifest
     */
    public static ModelSource of(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        ModelFormat format = ModelFormat.detect(absolute);
        Optional<BundleManifest> manifest = format == ModelFormat.MLJ_BUNDLE
                ? Optional.of(BundleManifest.read(absolute)) : Optional.empty();
        return new ModelSource(absolute, format, manifest);
    }
}
