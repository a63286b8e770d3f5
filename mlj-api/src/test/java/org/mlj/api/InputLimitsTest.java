package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile or mistaken inputs fail with typed errors naming the input, before anything is allocated for them. */
class InputLimitsTest {
    private static final Signature TWO_INPUTS = new Signature("serving_default",
            List.of(TensorSpec.of("image", DType.FLOAT32, Shape.of(Shape.UNKNOWN, 784)),
                    TensorSpec.of("scale", DType.FLOAT32, Shape.of(Shape.UNKNOWN, 1))),
            List.of(TensorSpec.of("out", DType.FLOAT32, Shape.of(Shape.UNKNOWN, 10))));

    @TempDir
    Path dir;

    @Test
    void aShapeOfTwoBillionRowsFailsFromTheShapeAlone() {
        assertThatThrownBy(() -> InputLimits.DEFAULT.checkTensor("image", Shape.of(2147483647L, 784)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Input 'image' has shape [2147483647, 784] (1683627179248 elements)")
                .hasMessageContaining("limit of 268435456 elements per tensor")
                .hasMessageContaining(InputLimits.MAX_TENSOR_ELEMENTS_PROPERTY);
        assertThatThrownBy(() -> InputLimits.DEFAULT.checkTensor("x", Shape.of(Long.MAX_VALUE, 4)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than " + Long.MAX_VALUE);
    }

    @Test
    void tensorAndRequestLimitsAreConfigurable() {
        InputLimits small = new InputLimits(1000, 1500);
        Tensor image = Tensor.ofFloats(new float[784], 1, 784);
        assertThatCode(() -> TWO_INPUTS.validate(inputs(image, Tensor.ofFloats(new float[1], 1, 1)), small)).doesNotThrowAnyException();

        Tensor twoImages = Tensor.ofFloats(new float[2 * 784], 2, 784);
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(twoImages, Tensor.ofFloats(new float[2], 2, 1)), small))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("Input 'image'").hasMessageContaining("limit of 1000");

        InputLimits tightRequest = new InputLimits(1000, 784);
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(image, Tensor.ofFloats(new float[1], 1, 1)), tightRequest))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit per request");
        assertThatThrownBy(() -> new InputLimits(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyBatchNamesTheInput() {
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(Tensor.ofFloats(new float[0], 0, 784), Tensor.ofFloats(new float[0], 0, 1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'image' is empty (shape [0, 784]); expected at least one element: [?, 784]");
    }

    @Test
    void mismatchedBatchSizesNameBothInputs() {
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(Tensor.ofFloats(new float[2 * 784], 2, 784), Tensor.ofFloats(new float[3], 3, 1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("Input 'scale' has batch size 3 (shape [3, 1]), but input 'image' has 2; "
                        + "every input of one call needs the same batch size");
    }

    @Test
    void stringsWhereNumbersAreExpectedAndOtherDtypesNameTheInput() {
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(Tensor.ofStrings(java.util.Collections.nCopies(784, "0.5").toArray(String[]::new), 1, 784), Tensor.ofFloats(new float[1], 1, 1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Input 'image' has dtype string (strings), expected float32");
        assertThatThrownBy(() -> TWO_INPUTS.validate(inputs(Tensor.ofInts(new int[784], 1, 784), Tensor.ofFloats(new float[1], 1, 1))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("Input 'image' has dtype int32, expected float32");
    }

    @Test
    void nanAndInfinityAreDataAndPass() {
        float[] pixels = new float[784];
        pixels[0] = Float.NaN;
        pixels[1] = Float.POSITIVE_INFINITY;
        pixels[2] = Float.NEGATIVE_INFINITY;
        assertThatCode(() -> TWO_INPUTS.validate(inputs(Tensor.ofFloats(pixels, 1, 784), Tensor.ofFloats(new float[] {Float.NaN}, 1, 1))))
                .doesNotThrowAnyException();
    }

    @Test
    void npyHeaderClaimingTerabytesFailsBeforeAllocating() throws IOException {
        Path huge = dir.resolve("huge.npy");
        Files.write(huge, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 784), }", new byte[16]));
        assertThatThrownBy(() -> NpyFile.read(huge)).isInstanceOf(IOException.class)
                .hasMessageContaining("[2147483647, 784]").hasMessageContaining("limit of 268435456 elements");

        Path overflowing = dir.resolve("overflow.npy");
        Files.write(overflowing, npy("{'descr': '<U9', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", new byte[16]));
        assertThatThrownBy(() -> NpyFile.read(overflowing)).isInstanceOf(IOException.class).hasMessageContaining("elements");

        Path negative = dir.resolve("negative.npy");
        Files.write(negative, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", new byte[16]));
        assertThatThrownBy(() -> NpyFile.read(negative)).isInstanceOf(IOException.class).hasMessageContaining("negative dimension");

        Path tooManyForTheFile = dir.resolve("short.npy");
        Files.write(tooManyForTheFile, npy("{'descr': '|S1', 'fortran_order': False, 'shape': (100000000,), }", new byte[16]));
        assertThatThrownBy(() -> NpyFile.read(tooManyForTheFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated data: shape [100000000] of strings needs 100000000 bytes, the file has 16");
    }

    private static Map<String, Tensor> inputs(Tensor image, Tensor scale) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("image", image);
        inputs.put("scale", scale);
        return inputs;
    }

    static byte[] npy(String header, byte[] data) {
        byte[] text = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        out.putShort((short) text.length).put(text).put(data);
        return out.array();
    }
}
