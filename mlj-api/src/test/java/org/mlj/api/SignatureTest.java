package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureTest {
    private final Signature signature = new Signature("serving_default",
            List.of(TensorSpec.of("image", DType.FLOAT32, Shape.of(-1, 28, 28, 1)),
                    TensorSpec.of("tokens", DType.INT32, Shape.of(-1, 200)),
                    TensorSpec.of("keras_learning_phase", DType.BOOL, Shape.scalar()).asOptional()),
            List.of(TensorSpec.of("predictions", DType.FLOAT32, Shape.of(-1, 10))));

    private static Map<String, Tensor> inputs(Object... pairs) {
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Tensor) pairs[i + 1]);
        }
        return map;
    }

    private static Tensor image(long batch) {
        return Tensor.ofFloats(new float[(int) (batch * 784)], batch, 28, 28, 1);
    }

    private static Tensor tokens(long batch) {
        return Tensor.ofInts(new int[(int) (batch * 200)], batch, 200);
    }

    @Test
    void keepsModelOrder() {
        assertThat(signature.inputNames()).containsExactly("image", "tokens", "keras_learning_phase");
        assertThat(signature.requiredInputs()).extracting(TensorSpec::name).containsExactly("image", "tokens");
        assertThat(signature.outputNames()).containsExactly("predictions");
    }

    @Test
    void acceptsValidInputsWithOrWithoutOptionalOnes() {
        assertThatCode(() -> signature.validate(inputs("image", image(2), "tokens", tokens(2)))).doesNotThrowAnyException();
        assertThatCode(() -> signature.validate(inputs("image", image(1), "tokens", tokens(1),
                "keras_learning_phase", Tensor.scalar(true)))).doesNotThrowAnyException();
    }

    @Test
    void unknownInputNamesTheExpectedOnes() {
        assertThatThrownBy(() -> signature.validate(inputs("image", image(1), "tokens", tokens(1), "imgae", image(1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Unknown input 'imgae' for signature 'serving_default'; expected one of [image, tokens, keras_learning_phase]");
    }

    @Test
    void missingInputNamesItsSpec() {
        assertThatThrownBy(() -> signature.validate(inputs("image", image(1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Missing input tokens: int32 [?, 200] for signature 'serving_default'; given [image]");
        assertThatThrownBy(() -> signature.validate(Map.of()))
                .hasMessage("Missing inputs image: float32 [?, 28, 28, 1], tokens: int32 [?, 200] for signature 'serving_default'; given []");
    }

    @Test
    void wrongDtypeSaysExpectedAndGot() {
        assertThatThrownBy(() -> signature.validate(inputs("image", Tensor.ofDoubles(new double[784], 1, 28, 28, 1), "tokens", tokens(1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'image' has dtype float64, expected float32 (shape [?, 28, 28, 1])");
    }

    @Test
    void wrongRankSaysExpectedAndGot() {
        assertThatThrownBy(() -> signature.validate(inputs("image", Tensor.ofFloats(new float[784], 1, 784), "tokens", tokens(1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'image' has shape [1, 784] (rank 2), expected rank 4: [?, 28, 28, 1]");
    }

    @Test
    void wrongDimensionSaysWhichOne() {
        assertThatThrownBy(() -> signature.validate(inputs("image", Tensor.ofFloats(new float[28 * 28 * 3], 1, 28, 28, 3), "tokens", tokens(1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'image' has shape [1, 28, 28, 3], expected [?, 28, 28, 1] (dimension 3 is 3, expected 1)");
    }

    @Test
    void nullInputsAreRejected() {
        Map<String, Tensor> withNull = new HashMap<>();
        withNull.put("image", null);
        assertThatThrownBy(() -> signature.validate(withNull)).isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'image' is null; expected float32 [?, 28, 28, 1]");
        assertThatThrownBy(() -> signature.validate(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Inputs for signature 'serving_default' are null");
    }

    @Test
    void duplicateNamesAreRejected() {
        TensorSpec spec = TensorSpec.of("x", DType.FLOAT32, Shape.of(1));
        assertThatThrownBy(() -> new Signature("s", List.of(spec, spec), List.of()))
                .hasMessage("Signature 's' has two inputs named 'x'");
    }

    @Test
    void printsReadably() {
        assertThat(signature.toString()).isEqualTo("serving_default(image: float32 [?, 28, 28, 1], tokens: int32 [?, 200], "
                + "keras_learning_phase: bool [] (optional)) -> (predictions: float32 [?, 10])");
    }
}
