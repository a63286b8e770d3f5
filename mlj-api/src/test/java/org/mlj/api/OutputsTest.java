package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputsTest {

    @Test
    void keepsOrderAndNamesMissingOutputs() {
        Map<String, Tensor> map = new LinkedHashMap<>();
        map.put("z", Tensor.scalar(1f));
        map.put("a", Tensor.scalar(2f));
        Outputs outputs = new Outputs(map);
        assertThat(outputs.names()).containsExactly("z", "a");
        assertThat(outputs.get(1).getAsDouble(0)).isEqualTo(2);
        assertThat(outputs.first().getAsDouble(0)).isEqualTo(1);
        assertThatThrownBy(() -> outputs.get("b")).hasMessage("No output named 'b'; outputs are [z, a]");
        assertThatThrownBy(() -> outputs.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void outputsAreAnImmutableValueThatOwnsNothingNative() {
        Map<String, Tensor> map = new LinkedHashMap<>(Map.of("y", Tensor.scalar(1f)));
        Outputs outputs = new Outputs(map);
        map.put("late", Tensor.scalar(2f));
        assertThat(outputs.names()).containsExactly("y");
        assertThat(AutoCloseable.class.isAssignableFrom(Outputs.class)).as("Outputs owns nothing to close").isFalse();
        assertThatThrownBy(() -> outputs.asMap().put("x", Tensor.scalar(0f))).isInstanceOf(UnsupportedOperationException.class);
    }
}
