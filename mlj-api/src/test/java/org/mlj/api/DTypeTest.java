package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void parsesPythonNames() {
        for (DType type : DType.values()) {
            assertThat(DType.fromPythonName(type.pythonName())).isEqualTo(type);
        }
        assertThat(DType.fromPythonName(" Float32 ")).isEqualTo(DType.FLOAT32);
        assertThat(DType.fromPythonName("object")).isEqualTo(DType.STRING);
    }

    @Test
    void rejectsUnknownNamesListingTheSupportedOnes() {
        assertThatThrownBy(() -> DType.fromPythonName("float16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unsupported dtype 'float16'; mlj supports float32, float64, int32, int64, bool, uint8, string");
    }

    @Test
    void knowsElementSizes() {
        assertThat(DType.FLOAT64.byteSize()).isEqualTo(8);
        assertThat(DType.BOOL.byteSize()).isEqualTo(1);
        assertThat(DType.STRING.isFixedSize()).isFalse();
    }
}
