package org.mlj.serving.tfserving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlj.api.DType;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.serving.ServingException;

/** The predict decoder as a pure function: JSON bytes in, tensors or a 400 out. */
class PredictRequestDecoderTest {
    static final Signature TWO_INPUTS = new Signature("serving_default",
            List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 2)), TensorSpec.of("tag", DType.STRING, Shape.of(-1))),
            List.of(TensorSpec.of("y", DType.FLOAT32, Shape.of(-1))));
    static final Signature ONE_INPUT = new Signature("serving_default",
            List.of(TensorSpec.of("ids", DType.INT64, Shape.of(-1, 3))), List.of(TensorSpec.of("y", DType.FLOAT32, Shape.of(-1))));

    private static PredictRequest decode(String json, Signature signature) {
        return PredictRequestDecoder.decode(json.getBytes(StandardCharsets.UTF_8), name -> signature);
    }

    @Test
    void rowFormatWithObjectsStacksInstances() {
        PredictRequest request = decode("{\"instances\": [{\"x\": [1, 2], \"tag\": \"a\"}, {\"x\": [3, 4.5], \"tag\": {\"b64\": \"Yg==\"}}]}", TWO_INPUTS);
        assertThat(request.rowFormat()).isTrue();
        assertThat(request.inputs().get("x")).isEqualTo(Tensor.ofFloats(new float[] {1, 2, 3, 4.5f}, 2, 2));
        assertThat(request.inputs().get("tag").toStringArray()).containsExactly("a", "b");
    }

    @Test
    void columnarAndPlainLists() {
        PredictRequest columnar = decode("{\"inputs\": {\"x\": [[1, 2]], \"tag\": [\"a\"]}, \"mlj_layers\": [\"dense\"]}", TWO_INPUTS);
        assertThat(columnar.rowFormat()).isFalse();
        assertThat(columnar.layers()).containsExactly("dense");
        assertThat(decode("{\"instances\": [[1, 2, 3], [4, 5, 9007199254740993]]}", ONE_INPUT).inputs().get("ids").toLongArray())
                .containsExactly(1, 2, 3, 4, 5, 9007199254740993L);
        assertThat(decode("{\"inputs\": [[1, 2, 3]]}", ONE_INPUT).inputs().get("ids").shape()).isEqualTo(Shape.of(1, 3));
    }

    @Test
    void refusalsNameTheProblem() {
        assertThatThrownBy(() -> decode("{\"instances\": [[1, 2]]}", TWO_INPUTS)).isInstanceOf(ServingException.class)
                .hasMessageContaining("instances is a plain list, but expecting list of objects");
        assertThatThrownBy(() -> decode("{\"instances\": [{\"x\": [1, 2]}]}", TWO_INPUTS))
                .hasMessageContaining("keys must be equal to: tag,x");
        assertThatThrownBy(() -> decode("{\"instances\": [{\"x\": [1, 2], \"tag\": \"a\"}, {\"x\": [1, 2, 3], \"tag\": \"b\"}]}", TWO_INPUTS))
                .hasMessageContaining("Failed to process element: 1 key: x of 'instances' list. Error: Expecting shape [2] but got: [3]");
        assertThatThrownBy(() -> decode("{\"instances\": [[1, 2, 1.5]]}", ONE_INPUT))
                .hasMessageContaining("JSON Value: 1.5 Type: Number is not of expected type: int64");
        assertThatThrownBy(() -> decode("{\"inputs\": [[1, [2], 3]]}", ONE_INPUT))
                .hasMessageContaining("Encountered list at unexpected level: 2 expected < 2");
        assertThatThrownBy(() -> decode("{\"inputs\": {\"x\": [[1, 2]]}}", TWO_INPUTS)).hasMessage("Missing named input: tag in 'inputs' object.");
        assertThatThrownBy(() -> decode("{\"inputs\": {\"x\": [[1, 2]], \"tag\": [\"a\"], \"z\": 1}}", TWO_INPUTS))
                .hasMessageContaining("does not have named input: z");
        assertThatThrownBy(() -> decode("{\"instances\": []}", ONE_INPUT)).hasMessageContaining("No values in 'instances' array");
        assertThatThrownBy(() -> decode("{\"instances\": {}}", ONE_INPUT)).hasMessageContaining("Expecting 'instances' to be an list/array");
        assertThatThrownBy(() -> decode("[1]", ONE_INPUT)).hasMessage("JSON Value: [1] Is not object");
        assertThatThrownBy(() -> decode("{\"inputs\": {\"x\": [[1, 2]], \"tag\": [{\"b64\": \"***\"}]}}", TWO_INPUTS))
                .hasMessage("Unable to base64 decode");
        assertThatThrownBy(() -> decode("{\"inputs\": [[1, 2, 3]], \"mlj_layers\": \"dense\"}", ONE_INPUT))
                .hasMessageContaining("'mlj_layers' must be a list of layer names");
    }
}
