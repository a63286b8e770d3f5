package org.mlj.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ReferenceBatch;

/**
 * The parity check of a backend's row splitting ({@code <backend>.splitRows}): a call cut into parts on two
 * cores returns what the whole call returns, for predictions and layer outputs (within float rounding: a
 * GEMM sums in another order for another batch size), and what Python returned. Shared by the backends' tests.
 */
public final class RowSplitParity {
    private RowSplitParity() {
    }

    /**
     * Loads bundle {@code name} on {@code backend} with splitting off and with 8 rows per part, and compares
     * their outputs on the bundle's {@code batch_32} reference inputs.
     */
    public static void check(String backend, String name) {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "splitting needs two cores");
        Path bundle = ModelFixtures.model(name);
        ReferenceBatch batch = ModelFixtures.references(bundle).stream().filter(b -> b.name().equals("batch_32")).findFirst().orElseThrow();
        String option = backend + ".splitRows";
        LoadOptions whole = LoadOptions.builder().backend(backend).option(option, 0).build();
        LoadOptions split = LoadOptions.builder().backend(backend).option(option, 8).build();
        try (Model one = Models.load(bundle, whole); Model parts = Models.load(bundle, split)) {
            assertThat(parts.details()).containsValue("8");
            Map<String, Tensor> inputs = batch.inputs();
            // the first large call of a model is split (then calls alternate until both ways are timed)
            TensorAssertions.assertOutputsClose(parts.predict(inputs), one.predict(inputs).asMap(), 1e-5, name + " split vs whole");
            TensorAssertions.assertOutputsClose(parts.predict(inputs), batch.outputs(), 1e-5, name + " vs Python");
            List<String> layers = parts.layers().stream().map(LayerInfo::name).toList();
            TensorAssertions.assertOutputsClose(parts.layerOutputs(inputs, layers), one.layerOutputs(inputs, layers).asMap(), 1e-5,
                    name + " layer outputs, split vs whole");
            assertThat(Thread.getAllStackTraces().keySet()).as("a part ran on the split pool")
                    .anyMatch(thread -> thread.getName().startsWith("mlj-rows-"));
        }
    }
}
