package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void printsUnknownDimensionsAsQuestionMarks() {
        assertThat(Shape.of(-1, 28, 28, 1)).hasToString("[?, 28, 28, 1]");
        assertThat(Shape.scalar()).hasToString("[]");
        assertThat(Shape.unknownRank()).hasToString("<unknown rank>");
    }

    @Test
    void compatibilityChecksRankAndKnownDimensions() {
        Shape spec = Shape.of(-1, 784);
        assertThat(spec.isCompatibleWith(Shape.of(32, 784))).isTrue();
        assertThat(spec.isCompatibleWith(Shape.of(32, 785))).isFalse();
        assertThat(spec.isCompatibleWith(Shape.of(784))).isFalse();
        assertThat(Shape.unknownRank().isCompatibleWith(Shape.of(1, 2, 3))).isTrue();
    }

    @Test
    void sizeNeedsKnownDimensions() {
        assertThat(Shape.of(2, 3, 4).size()).isEqualTo(24);
        assertThat(Shape.scalar().size()).isEqualTo(1);
        assertThatThrownBy(() -> Shape.of(-1, 3).size()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Shape.of(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid dimension -2");
    }

    @Test
    void fromListTreatsNullAsUnknown() {
        assertThat(Shape.fromList(Arrays.asList(null, 10L))).isEqualTo(Shape.of(-1, 10));
        assertThat(Shape.fromList(null).isUnknownRank()).isTrue();
    }

    @Test
    void withFirstDimSetsBatchSize() {
        assertThat(Shape.of(-1, 28, 28, 1).withFirstDim(8)).isEqualTo(Shape.of(8, 28, 28, 1));
        assertThat(Shape.of(-1, 3).dims()).containsExactly(-1, 3);
    }
}
