package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.mlj.api.DType;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.testing.ModelFixtures;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;

/** Every dtype through native tensors and back, directly and through the {@code dtypes_echo} fixture. */
class TensorConversionTest {

    @Test
    void everyDtypeRoundTripsThroughANativeTensor() {
        Tensor[] tensors = {
            Tensor.ofFloats(new float[] {1.5f, -0f, Float.NaN, Float.MAX_VALUE, 7, 8}, 2, 3),
            Tensor.ofDoubles(new double[] {Math.PI, -1e300}, 2),
            Tensor.ofInts(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, 3, 1),
            Tensor.ofLongs(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, 1, 2),
            Tensor.ofBooleans(new boolean[] {true, false, true}, 3),
            Tensor.ofUint8(new byte[] {0, 1, (byte) 255}, 3),
            Tensor.ofStrings(new String[] {"", "héllo", "日本"}, 3),
            Tensor.scalar(true),
            Tensor.ofFloats(new float[0], 0, 4),
        };
        for (Tensor tensor : tensors) {
            for (Tensor fed : new Tensor[] {tensor, tensor.direct()}) {
                try (org.tensorflow.Tensor nativeTensor = TensorConversion.toTensorFlow(fed)) {
                    assertThat(nativeTensor.shape().asArray()).isEqualTo(tensor.shape().dims());
                    assertThat(TensorConversion.toMlj(nativeTensor)).isEqualTo(tensor);
                }
            }
        }
    }

    @Test
    void directTensorsAreFedInPlaceAndHeapTensorsCopied() {
        Tensor direct = Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2).direct();
        ByteBuffer heap = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        heap.asFloatBuffer().put(new float[] {1, 2, 3, 4});
        Tensor wrapped = Tensor.wrap(DType.FLOAT32, Shape.of(2, 2), heap);
        try (org.tensorflow.Tensor inPlace = TensorConversion.toTensorFlow(direct);
             org.tensorflow.Tensor copied = TensorConversion.toTensorFlow(wrapped)) {
            assertThat(address(inPlace)).isEqualTo(new BytePointer(direct.buffer()).address());
            assertThat(TensorConversion.toMlj(inPlace)).isEqualTo(direct).isEqualTo(TensorConversion.toMlj(copied));
        }
    }

    @Test
    void modelRunsLeaveInPlaceInputsUnchanged() {
        try (Model model = Models.load(ModelFixtures.model("dtypes_echo").resolve("saved_model"))) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("f32", Tensor.ofFloats(new float[] {1.5f, -2, 0, 3.25f, 1e30f, -0.5f}, 2, 3));
            inputs.put("f64", Tensor.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
            inputs.put("i32", Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 2, 3));
            inputs.put("i64", Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3));
            inputs.put("b", Tensor.ofBooleans(new boolean[] {true, false, true, false, false, true}, 2, 3));
            inputs.put("u8", Tensor.ofUint8(new byte[] {0, 1, 2, 3, 4, 5}, 2, 3));
            inputs.put("s", Tensor.ofStrings(new String[] {"a"}, 1));
            inputs.replaceAll((name, tensor) -> tensor.direct());
            Map<String, Tensor> before = new LinkedHashMap<>();
            inputs.forEach((name, tensor) -> before.put(name, tensor.slice(0, tensor.shape().dim(0))));
            Outputs first = model.predict(inputs);
            assertThat(model.predict(inputs).asMap()).isEqualTo(first.asMap());
            assertThat(inputs).isEqualTo(before);
            assertThat(first.get("f32_out")).isEqualTo(Tensor.ofFloats(new float[] {3, -4, 0, 6.5f, 2e30f, -1}, 2, 3));
        }
    }

    private static long address(org.tensorflow.Tensor tensor) {
        return tensor.asRawTensor().data().accept(new DataStorageVisitor<Long>() {
            @Override
            public Long visit(long address, long length, long scale) {
                return address;
            }

            @Override
            public Long fallback() {
                return -1L;
            }
        });
    }

    @Test
    void echoModelRoundTripsEveryDtype() {
        try (Model model = Models.load(ModelFixtures.model("dtypes_echo").resolve("saved_model"))) {
            assertThat(model.signature().inputs()).extracting(TensorSpec::name, TensorSpec::dtype).containsExactly(
                    tuple("b", DType.BOOL),
                    tuple("f32", DType.FLOAT32),
                    tuple("f64", DType.FLOAT64),
                    tuple("i32", DType.INT32),
                    tuple("i64", DType.INT64),
                    tuple("s", DType.STRING),
                    tuple("u8", DType.UINT8));
            assertThat(model.signature().input("f32").orElseThrow().shape()).isEqualTo(Shape.of(-1, 3));
            assertThat(model.signature().outputNames())
                    .containsExactly("b_out", "f32_out", "f64_out", "i32_out", "i64_out", "s_len", "s_out", "u8_out");

            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("f32", Tensor.ofFloats(new float[] {1.5f, -2, 0, 3.25f, 1e30f, -0.5f}, 2, 3));
            inputs.put("f64", Tensor.ofDoubles(new double[] {Math.PI, -2, 0, 1e300, 4, -0.5}, 2, 3));
            inputs.put("i32", Tensor.ofInts(new int[] {1, -1, Integer.MAX_VALUE, 0, 41, -7}, 2, 3));
            inputs.put("i64", Tensor.ofLongs(new long[] {1, -1, Long.MAX_VALUE, 0, 1L << 40, -7}, 2, 3));
            inputs.put("b", Tensor.ofBooleans(new boolean[] {true, false, true, false, false, true}, 2, 3));
            inputs.put("u8", Tensor.ofUint8(new byte[] {0, 1, (byte) 254, (byte) 255, 100, 7}, 2, 3));
            inputs.put("s", Tensor.ofStrings(new String[] {"mlj", "", "héllo 日本"}, 3));
            Outputs outputs = model.predict(inputs);
            assertThat(outputs.get("f32_out")).isEqualTo(Tensor.ofFloats(new float[] {3, -4, 0, 6.5f, 2e30f, -1}, 2, 3));
            assertThat(outputs.get("f64_out")).isEqualTo(Tensor.ofDoubles(new double[] {2 * Math.PI, -4, 0, 2e300, 8, -1}, 2, 3));
            assertThat(outputs.get("i32_out")).isEqualTo(Tensor.ofInts(new int[] {2, 0, Integer.MIN_VALUE, 1, 42, -6}, 2, 3));
            assertThat(outputs.get("i64_out")).isEqualTo(Tensor.ofLongs(new long[] {2, 0, Long.MIN_VALUE, 1, (1L << 40) + 1, -6}, 2, 3));
            assertThat(outputs.get("b_out")).isEqualTo(Tensor.ofBooleans(new boolean[] {false, true, false, true, true, false}, 2, 3));
            assertThat(outputs.get("u8_out")).isEqualTo(Tensor.ofUint8(new byte[] {1, 2, (byte) 255, 0, 101, 8}, 2, 3));
            assertThat(outputs.get("s_out").toStringArray()).containsExactly("mlj!", "!", "héllo 日本!");
            assertThat(outputs.get("s_len")).isEqualTo(Tensor.ofInts(new int[] {3, 0, "héllo 日本".getBytes(StandardCharsets.UTF_8).length}, 3));
        }
    }
}
