package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

/**
 * The CNN program ({@link CnnProgramPass}) computes what DL4J's graph computes, outputs and every layer,
 * at every batch size, from any number of threads, and what Python computes on the references; models
 * it cannot run keep their pass and say why.
 */
class CnnProgramPassTest {
    private static final double TOLERANCE = 1e-5;
    private static final LoadOptions PROGRAM = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.SPLIT_ROWS.key(), "0").build();
    private static final LoadOptions GRAPH = PROGRAM.toBuilder().option(Dl4jBackend.CNN_PROGRAM.key(), "false").build();

    @Test
    void runsTheCnnAndMatchesDl4jAndPythonWithEveryLayer() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        try (Model program = Models.load(bundle, PROGRAM); Model graph = Models.load(bundle, GRAPH)) {
            assertThat(program.details()).containsEntry(Dl4jBackend.CNN_PROGRAM_DETAIL, "engaged");
            assertThat(program.details().get("dl4j.forwardPass")).startsWith("fixed program of libnd4j ops (Conv, Pool, Flatten, Dense;");
            assertThat(graph.details()).containsEntry(Dl4jBackend.CNN_PROGRAM_DETAIL, "off: load option dl4j.cnnProgram=false")
                    .containsEntry("dl4j.forwardPass", "ComputationGraph");
            for (ReferenceBatch batch : ModelFixtures.references(bundle)) {
                String what = "mnist_cnn/" + batch.name();
                Outputs outputs = program.predict(batch.inputs());
                TensorAssertions.assertOutputsClose(outputs, batch.outputs(), TOLERANCE, what + " program vs Python");
                TensorAssertions.assertOutputsClose(outputs, graph.predict(batch.inputs()).asMap(), TOLERANCE, what + " program vs graph");
                List<String> every = List.copyOf(batch.layers().keySet());
                assertThat(every).containsExactlyInAnyOrder("conv1", "pool1", "conv2", "pool2", "flatten", "dense1", "dense2", "predictions");
                Outputs layers = program.layerOutputs(batch.inputs(), every);
                TensorAssertions.assertOutputsClose(layers, batch.layers(), TOLERANCE, what + " layers program vs Python");
                TensorAssertions.assertOutputsClose(layers, graph.layerOutputs(batch.inputs(), every).asMap(), TOLERANCE,
                        what + " layers program vs graph");
                Outputs one = program.layerOutputs(batch.inputs(), List.of("dense1"));
                TensorAssertions.assertClose(one.get("dense1"), batch.layers().get("dense1"), TOLERANCE, what + " dense1 alone");
            }
        }
    }

    @Test
    void everyBatchSizeGetsItsOwnProgramAndOldOnesAreDropped() {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Tensor rows = ModelFixtures.references(bundle).stream().filter(batch -> batch.name().equals("batch_32")).findFirst()
                .orElseThrow().inputs().get("image");
        try (Model program = Models.load(bundle, PROGRAM); Model graph = Models.load(bundle, GRAPH)) {
            // more sizes than a pool member keeps programs for, then the first ones again
            for (int size : new int[] {1, 2, 3, 5, 7, 11, 32, 1, 2, 3}) {
                Map<String, Tensor> inputs = Map.of("image", rows.slice(0, size));
                TensorAssertions.assertOutputsClose(program.predict(inputs), graph.predict(inputs).asMap(), TOLERANCE, "batch " + size);
            }
        }
    }

    @Test
    void concurrentCallersGetBitIdenticalResults() throws Exception {
        Path bundle = ModelFixtures.model("mnist_cnn");
        Tensor rows = ModelFixtures.references(bundle).stream().filter(batch -> batch.name().equals("batch_32")).findFirst()
                .orElseThrow().inputs().get("image");
        int[] sizes = {1, 4, 32, 9};
        try (Model model = Models.load(bundle, PROGRAM)) {
            List<Tensor> expected = new ArrayList<>();
            for (int size : sizes) {
                expected.add(model.predict(Map.of("image", rows.slice(0, size))).first());
            }
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    int offset = thread;
                    calls.add(threads.submit(() -> {
                        for (int call = 0; call < 200; call++) {
                            int which = (call + offset) % sizes.length;
                            Tensor actual = model.predict(Map.of("image", rows.slice(0, sizes[which]))).first();
                            assertThat(actual).as("call %d of thread %d, batch %d", call, offset, sizes[which]).isEqualTo(expected.get(which));
                        }
                        return null;
                    }));
                }
                for (Future<?> call : calls) {
                    call.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void modelsWithoutConvolutionsKeepTheirPass() {
        try (Model ffnn = Models.load(ModelFixtures.model("mnist_ffnn"), PROGRAM);
             Model lstm = Models.load(ModelFixtures.model("imdb_lstm"), PROGRAM)) {
            assertThat(ffnn.details()).containsEntry(Dl4jBackend.CNN_PROGRAM_DETAIL, "off: the chain pass runs the model");
            assertThat(lstm.details()).containsEntry(Dl4jBackend.CNN_PROGRAM_DETAIL, "off: the chain pass runs the model");
        }
    }
}
