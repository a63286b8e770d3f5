package org.mlj.serving.tfserving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** classify/regress bodies to serialized tf.Examples. */
class ExampleRequestDecoderTest {
    private static ExampleRequest decode(String json) {
        return ExampleRequestDecoder.decode(json.getBytes(StandardCharsets.UTF_8), "classify");
    }

    @Test
    void encodesExamplesInProtobufWireFormat() {
        ExampleRequest request = decode("{\"signature_name\": \"s\", \"examples\": [{\"x\": 3.0}, {\"k\": [1, 2], \"s\": \"ab\"}]}");
        assertThat(request.signatureName()).isEqualTo("s");
        // The bytes protobuf-python's Example.SerializeToString() gives for x: 3.0 (features.feature["x"].float_list.value = [3.0])
        assertThat(request.examples().get(0)).containsExactly(10, 15, 10, 13, 10, 1, 120, 18, 8, 18, 6, 10, 4, 0, 0, 64, 64);
        // {"k": [1, 2], "s": "ab"}: the same 28 bytes as protobuf-python, whose map entries come in another (equally valid) order
        assertThat(request.examples().get(1)).hasSize(28);
    }

    @Test
    void contextComesFirstSoExampleFeaturesWin() {
        ExampleRequest request = decode("{\"context\": {\"c\": 1}, \"examples\": [{\"x\": 1.5}]}");
        byte[] context = decode("{\"examples\": [{\"c\": 1}]}").examples().get(0);
        byte[] own = decode("{\"examples\": [{\"x\": 1.5}]}").examples().get(0);
        byte[] merged = request.examples().get(0);
        assertThat(merged).hasSize(context.length + own.length);
        assertThat(java.util.Arrays.copyOfRange(merged, 0, context.length)).isEqualTo(context);
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> decode("{\"instances\": [1]}")).hasMessageContaining("When method is classify, key 'examples' is expected");
        assertThatThrownBy(() -> decode("{\"examples\": [1]}")).hasMessage("Example must be JSON object but got JSON Number");
        assertThatThrownBy(() -> decode("{\"examples\": [{\"x\": [[1]]}]}")).hasMessage("Feature: x has element with unexpected JSON type: Array");
        assertThatThrownBy(() -> decode("{\"examples\": [{\"x\": null}]}")).hasMessage("Feature: x has element with unexpected JSON type: Null");
        assertThatThrownBy(() -> decode("{\"examples\": [{\"x\": [1, 2.5]}]}"))
                .hasMessage("Unexpected element type in feature: x expecting type: int64");
        assertThatThrownBy(() -> decode("{\"examples\": [{\"x\": 18446744073709551615}]}"))
                .hasMessage("Feature: x has uint64_t element. Only int64_t is supported.");
    }
}
