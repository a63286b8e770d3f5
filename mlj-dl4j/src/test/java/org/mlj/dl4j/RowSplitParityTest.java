package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

/**
 * A call cut into parts on two cores ({@code dl4j.splitRows}) returns what the whole call returns, for
 * predictions and layer outputs (within float rounding: a GEMM sums in another order for another batch size),
 * and what Python returned.
 */
class RowSplitParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "mnist_cnn", "imdb_lstm"})
    void splitCallsMatchWholeCallsAndPython(String name) {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "splitting needs two cores");
        Path bundle = ModelFixtures.model(name);
        ReferenceBatch batch = ModelFixtures.references(bundle).stream().filter(b -> b.name().equals("batch_32")).findFirst().orElseThrow();
        LoadOptions whole = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.SPLIT_ROWS.key(), 0).build();
        LoadOptions split = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.SPLIT_ROWS.key(), 8).build();
        try (Model one = Models.load(bundle, whole); Model parts = Models.load(bundle, split)) {
            assertThat(parts.details()).containsValue("8");
            Map<String, Tensor> inputs = batch.inputs();
            TensorAssertions.assertOutputsClose(parts.predict(inputs), one.predict(inputs).asMap(), 1e-5, name + " split vs whole");
            TensorAssertions.assertOutputsClose(parts.predict(inputs), batch.outputs(), 1e-5, name + " split vs Python");
            List<String> layers = parts.layers().stream().map(layer -> layer.name()).toList();
            TensorAssertions.assertOutputsClose(parts.layerOutputs(inputs, layers), one.layerOutputs(inputs, layers).asMap(), 1e-5,
                    name + " layer outputs, split vs whole");
            assertThat(Thread.getAllStackTraces().keySet()).as("a part ran on the split pool")
                    .anyMatch(thread -> thread.getName().startsWith("mlj-rows-"));
        }
    }
}
