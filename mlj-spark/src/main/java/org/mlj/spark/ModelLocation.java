package org.mlj.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.mlj.api.ModelLoadException;

/**
 * Finds a configured model path on the machine a task runs on: a path that exists there (a local
 * directory, or a shared file system mounted on every node; {@code file:} URIs accepted), else a file
 * or directory shipped with {@code SparkContext.addFile} / {@code spark-submit --files}, looked up by
 * its last path element with {@link SparkFiles#get}. Stateless and thread-safe.
 */
final class ModelLocation {
    private ModelLocation() {
    }

    /**
     * The local path of the model.
     *
     * @throws ModelLoadException naming both places looked at when the model is in neither
     */
    static Path resolve(String configured) {
        String plain = configured.startsWith("file:") ? Paths.get(java.net.URI.create(configured)).toString() : configured;
        Path direct = Path.of(plain);
        if (Files.exists(direct)) {
            return direct.toAbsolutePath();
        }
        String shippedAs = direct.getFileName() == null ? plain : direct.getFileName().toString();
        if (SparkEnv.get() != null) {
            Path shipped = Path.of(SparkFiles.get(shippedAs));
            if (Files.exists(shipped)) {
                return shipped;
            }
            throw new ModelLoadException("Model '" + configured + "' not found: " + direct.toAbsolutePath()
                    + " does not exist, nor was '" + shippedAs + "' shipped with SparkContext.addFile or --files (looked at "
                    + shipped + ")");
        }
        throw new ModelLoadException("Model '" + configured + "' not found: " + direct.toAbsolutePath() + " does not exist");
    }
}
