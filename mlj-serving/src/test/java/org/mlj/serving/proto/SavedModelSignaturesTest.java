package org.mlj.serving.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlj.api.testing.ModelFixtures;

/** SignatureDefs read from saved_model.pb without TensorFlow classes. */
class SavedModelSignaturesTest {
    @Test
    void readsKerasExportSignatures() throws Exception {
        SavedModelSignatures signatures = SavedModelSignatures.read(ModelFixtures.model("mnist_cnn").resolve("saved_model")).orElseThrow();
        assertThat(signatures.signatures().keySet()).containsExactly("__saved_model_init_op", "layer_outputs", "serving_default");
        SavedModelSignatures.Definition serving = signatures.get("serving_default").orElseThrow();
        assertThat(serving.methodName()).isEqualTo(SavedModelSignatures.PREDICT_METHOD);
        SavedModelSignatures.TensorInfo image = serving.inputs().get("image");
        assertThat(image.name()).isEqualTo("serving_default_image:0");
        assertThat(image.dtypeName()).isEqualTo("DT_FLOAT");
        assertThat(image.dims()).containsExactly(-1L, 28L, 28L, 1L);
        assertThat(image.unknownRank()).isFalse();
        assertThat(signatures.get("__saved_model_init_op").orElseThrow().outputs().get("__saved_model_init_op").unknownRank()).isTrue();
    }

    @Test
    void readsTf1ClassifyAndRegressSignatures() throws Exception {
        SavedModelSignatures signatures = SavedModelSignatures.read(ModelFixtures.model("tf1_classify_regress").resolve("saved_model/1"))
                .orElseThrow();
        assertThat(signatures.get("classify_x_to_y").orElseThrow().methodName()).isEqualTo(SavedModelSignatures.CLASSIFY_METHOD);
        assertThat(signatures.get("classify_x_to_y").orElseThrow().outputs().keySet()).containsExactly("classes", "scores");
        assertThat(signatures.get("regress_x_to_y").orElseThrow().inputs().get("inputs").dtypeName()).isEqualTo("DT_STRING");
    }

    @Test
    void noSavedModelAndCorruptOnes() throws Exception {
        assertThat(SavedModelSignatures.read(Path.of("/nonexistent"))).isEmpty();
        assertThatThrownBy(() -> SavedModelSignatures.parse(new byte[] {0x12, 0x7f, 0x01})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs past the message end");
        assertThat(SavedModelSignatures.parse(new byte[0]).signatures()).isEmpty();
        assertThat(List.of(new SavedModelSignatures.TensorInfo("t", 101, List.of(), true).dtypeName())).containsExactly("DT_FLOAT_REF");
    }
}
