package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;

/**
 * Damaged {@code .h5} files that made the native HDF5 library spin for minutes and then crash the JVM
 * (see {@code src/test/resources/damaged/README.md}) fail fast with a typed error.
 */
class DamagedHdf5Test {
    private static final LoadOptions DL4J = LoadOptions.builder().backend("dl4j").build();

    @ParameterizedTest
    @ValueSource(strings = {"mnist_cnn-zeros-at-2128.h5", "mnist_cnn-zeros-at-8700.h5"})
    void failsInSecondsWithATypedError(String name) throws URISyntaxException {
        Path file = Path.of(DamagedHdf5Test.class.getResource("/damaged/" + name).toURI());

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> Models.load(file, DL4J))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("model_config"));
    }
}
