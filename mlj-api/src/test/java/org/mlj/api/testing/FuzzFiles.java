package org.mlj.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files for fuzz tests whose parsers read from a path: one scratch directory per test class. */
public final class FuzzFiles {
    private FuzzFiles() {
    }

    /** A new temporary directory, deleted at JVM exit when empty; fuzz inputs are written into it and overwritten. */
    public static Path workDirectory() {
        try {
            Path directory = Files.createTempDirectory("mlj-fuzz");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
