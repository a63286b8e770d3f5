package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;

/** How inputs and outputs are ordered when no manifest says so. */
class SignatureReaderTest {

    @Test
    void kerasExportOutputsSortByTheirNumberNotByTensorName() {
        // What model.export writes for 11 outputs: tensors follow the keys' alphabetical order.
        Map<String, TensorInfo> outputs = new LinkedHashMap<>();
        List<String> alphabetical = List.of("output_0", "output_1", "output_10", "output_2", "output_3", "output_4", "output_5",
                "output_6", "output_7", "output_8", "output_9");
        for (int i = 0; i < alphabetical.size(); i++) {
            outputs.put(alphabetical.get(i), info("StatefulPartitionedCall:" + i));
        }
        assertThat(SignatureReader.ordered(outputs, true)).containsExactly("output_0", "output_1", "output_2", "output_3",
                "output_4", "output_5", "output_6", "output_7", "output_8", "output_9", "output_10");
    }

    @Test
    void otherKeysSortByTensorNameInNaturalOrderThenByKey() {
        Map<String, TensorInfo> outputs = new LinkedHashMap<>();
        outputs.put("zeta", info("PartitionedCall:0"));
        outputs.put("alpha", info("PartitionedCall:10"));
        outputs.put("mid", info("PartitionedCall:2"));
        outputs.put("same_b", info("Identity:0"));
        outputs.put("same_a", info("Identity:0"));
        assertThat(SignatureReader.ordered(outputs, true)).containsExactly("same_a", "same_b", "zeta", "mid", "alpha");
    }

    @Test
    void inputsNeverUseTheOutputRule() {
        Map<String, TensorInfo> inputs = new LinkedHashMap<>();
        inputs.put("output_1", info("b:0"));
        inputs.put("output_0", info("a:0"));
        inputs.put("output_2", info("c:0"));
        assertThat(SignatureReader.ordered(inputs, false)).containsExactly("output_0", "output_1", "output_2");
        inputs.put("output_0", info("z:0"));
        assertThat(SignatureReader.ordered(inputs, false)).containsExactly("output_1", "output_2", "output_0");
    }

    @Test
    void naturalOrderComparesDigitRunsAsNumbers() {
        assertThat(SignatureReader.compareNatural("keras_tensor_2", "keras_tensor_10")).isNegative();
        assertThat(SignatureReader.compareNatural("a:10", "a:9")).isPositive();
        assertThat(SignatureReader.compareNatural("input", "input_1")).isNegative();
        assertThat(SignatureReader.compareNatural("b", "a10")).isPositive();
        assertThat(SignatureReader.compareNatural("x99999999999999999999999", "x100000000000000000000000")).isNegative();
        assertThat(SignatureReader.compareNatural("same", "same")).isZero();
    }

    private static TensorInfo info(String tensorName) {
        return TensorInfo.newBuilder().setName(tensorName).setDtype(DataType.DT_FLOAT).build();
    }
}
