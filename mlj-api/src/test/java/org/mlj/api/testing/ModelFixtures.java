package org.mlj.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.LayerInfo;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;

/**
 * Finds the committed fixtures ({@code models/} at the repository root) and reads the Python
 * reference batches of a bundle. Missing fixtures fail loudly; nothing is skipped.
 */
public final class ModelFixtures {
    private ModelFixtures() {
    }

    /** The repository root: system property {@code mlj.root} (set by the build), else found upwards from the working directory. */
    public static Path root() {
        String configured = System.getProperty("mlj.root");
        if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured, "models"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("models")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new AssertionError("Cannot find the repository's models/ folder (set -Dmlj.root)");
    }

    /** {@code models/<name>}, which must exist. */
    public static Path model(String name) {
        Path path = root().resolve("models").resolve(name);
        if (!Files.exists(path)) {
            throw new AssertionError("Fixture " + path + " is missing: regenerate with python/regenerate-models.sh");
        }
        return path;
    }

    /** The bundle directories under {@code models/} (those with an {@code mlj.json}), sorted by name; fails if none. */
    public static List<Path> bundles() {
        try (Stream<Path> dirs = Files.list(root().resolve("models"))) {
            List<Path> found = dirs.filter(d -> Files.isRegularFile(d.resolve("mlj.json"))).sorted().toList();
            if (found.isEmpty()) {
                throw new AssertionError("No bundle (folder with mlj.json) under " + root().resolve("models"));
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The layer zoo's bundles ({@code models/zoo/<name>}, written by {@code python -m mlj_export zoo}), sorted; fails if none. */
    public static List<Path> zooBundles() {
        Path zoo = root().resolve("models").resolve("zoo");
        try (Stream<Path> dirs = Files.list(zoo)) {
            List<Path> found = dirs.filter(d -> Files.isRegularFile(d.resolve("mlj.json"))).sorted().toList();
            if (found.isEmpty()) {
                throw new AssertionError("No zoo bundle under " + zoo + ": regenerate with python/regenerate-models.sh");
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + zoo + ": regenerate with python/regenerate-models.sh", e);
        }
    }

    /** Reads every reference batch of a bundle, smallest first; fails if a listed file is missing. */
    public static List<ReferenceBatch> references(Path bundle) {
        return ReferenceBatch.readAll(BundleManifest.read(bundle));
    }

    /** Reads a {@code .npy} file that must exist. */
    public static Tensor npy(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("Reference file " + file + " is missing");
        }
        try {
            return NpyFile.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
