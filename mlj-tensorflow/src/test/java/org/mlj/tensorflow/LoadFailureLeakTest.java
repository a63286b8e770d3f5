package org.mlj.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.tensorflow.SavedModelBundle;

/**
 * A load that fails after the native SavedModel load closes the session and graph at once, 200 times
 * over; and a misnamed signature fails before any native load. (RSS is not asserted here: on
 * TensorFlow it moves by tens of MB between rounds of successful load/close cycles too, as its
 * allocator and thread pools keep memory; the dl4j backend's test asserts RSS.)
 */
class LoadFailureLeakTest {
    private static final int FAILURES = 200;

    @Test
    void failuresAfterLoadCloseTheSavedModel() {
        List<SavedModelBundle> loaded = new ArrayList<>();
        TensorFlowBackend failing = new TensorFlowBackend(bundle -> {
            loaded.add(bundle);
            throw new IllegalStateException("injected failure after load");
        });
        ModelSource source = ModelSource.of(ModelFixtures.model("mnist_ffnn"));
        for (int i = 0; i < FAILURES; i++) {
            assertThatThrownBy(() -> failing.load(source, LoadOptions.defaults())).hasMessage("injected failure after load");
            SavedModelBundle bundle = loaded.remove(0);
            assertThatThrownBy(() -> bundle.graph().operations()).as("the graph was closed").isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void unknownSignatureFailsBeforeTheNativeLoad() {
        List<SavedModelBundle> loaded = new ArrayList<>();
        TensorFlowBackend backend = new TensorFlowBackend(loaded::add);
        ModelSource source = ModelSource.of(ModelFixtures.model("mnist_ffnn"));
        assertThatThrownBy(() -> backend.load(source, LoadOptions.builder().signature("classify").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Unknown signature 'classify'; the model has [layer_outputs, serving_default]");
        assertThat(loaded).as("no native load ran").isEmpty();
    }
}
