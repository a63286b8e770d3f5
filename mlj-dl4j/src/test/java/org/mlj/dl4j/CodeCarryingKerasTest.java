package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Models;
import org.mlj.api.UnsupportedModelException;

/**
 * {@code .keras} files that carry code (a {@code Lambda} layer's bytecode, a custom layer class) are
 * refused by name: the dl4j backend never runs code from a model file. Fixtures from
 * {@code src/test/resources/unsafe_keras/make_unsafe_keras.py}.
 */
class CodeCarryingKerasTest {
    private static final LoadOptions DL4J = LoadOptions.builder().backend("dl4j").build();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"lambda.keras | doubler (Lambda: a Lambda layer is Python code, which mlj never runs)",
            "custom.keras | scale (Scale: no such layer in Deeplearning4j 1.0.0-M2.1)"})
    void isRefusedNamingTheLayer(String file, String layer) throws URISyntaxException {
        Path path = Path.of(CodeCarryingKerasTest.class.getResource("/unsafe_keras/" + file).toURI());

        assertThatThrownBy(() -> Models.load(path, DL4J))
                .isInstanceOfSatisfying(UnsupportedModelException.class, e -> assertThat(e.unsupported()).containsExactly(layer))
                .hasMessageContaining(layer);
    }
}
