package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.mlj.api.InvalidInputException;
import org.mlj.api.ModelLoadException;

class ErrorReporterTest {
    @Test
    void describesUserErrorsByTheirMessageAlone() {
        assertThat(ErrorReporter.describe(new InvalidInputException("Input 'image' is null"))).isEqualTo("Input 'image' is null");
        assertThat(ErrorReporter.describe(new ModelLoadException("Cannot load\n  details"))).isEqualTo("Cannot load");
        assertThat(ErrorReporter.describe(new IOException("x.npy: not a .npy file"))).isEqualTo("x.npy: not a .npy file");
    }

    @Test
    void namesTheFileOfFileSystemErrors() {
        assertThat(ErrorReporter.describe(new NoSuchFileException("a.png"))).isEqualTo("No such file: a.png");
        assertThat(ErrorReporter.describe(new UncheckedIOException(new AccessDeniedException("out"))))
                .isEqualTo("Permission denied: out");
    }

    @Test
    void namesTheTypeOfUnexpectedErrors() {
        assertThat(ErrorReporter.describe(new IllegalStateException("boom")))
                .isEqualTo("java.lang.IllegalStateException: boom (run with --verbose for the stack trace)");
        assertThat(ErrorReporter.describe(new NullPointerException()))
                .isEqualTo("java.lang.NullPointerException (run with --verbose for the stack trace)");
    }
}
