package org.mlj.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident set size of this process, from {@code /proc/self/status} (Linux), for leak tests. */
public final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Whether this platform reports RSS the way {@link #rssBytes()} reads it. */
    public static boolean available() {
        return Files.isReadable(STATUS);
    }

    /** The current RSS in bytes, after a GC so that dead Java objects holding native memory are gone. */
    public static long rssBytes() {
        System.gc();
        System.runFinalization();
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("No VmRSS line in " + STATUS);
    }
}
