package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;

/** Predictions from 8 threads at once equal the sequential ones, bit for bit. */
class Dl4jModelConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 6;

    @ParameterizedTest
    @ValueSource(strings = {"mnist_cnn", "imdb_lstm"})
    void concurrentPredictionsEqualSequentialOnes(String name) throws Exception {
        List<ReferenceBatch> batches = ModelFixtures.references(ModelFixtures.model(name));
        LoadOptions options = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.POOL_SIZE.key(), "4").build();
        try (Model model = Models.load(ModelFixtures.model(name), options)) {
            List<Map<String, Tensor>> expected = new ArrayList<>();
            for (ReferenceBatch batch : batches) {
                Outputs outputs = model.predict(batch.inputs());
                expected.add(outputs.asMap());
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int thread = 0; thread < THREADS; thread++) {
                    int offset = thread;
                    Callable<Integer> calls = () -> {
                        for (int call = 0; call < CALLS_PER_THREAD; call++) {
                            int index = (offset + call) % batches.size();
                            Outputs outputs = model.predict(batches.get(index).inputs());
                            assertThat(outputs.asMap()).isEqualTo(expected.get(index));
                        }
                        return CALLS_PER_THREAD;
                    };
                    results.add(pool.submit(calls));
                }
                int done = 0;
                for (Future<Integer> result : results) {
                    done += result.get(2, TimeUnit.MINUTES);
                }
                assertThat(done).isEqualTo(THREADS * CALLS_PER_THREAD);
            } finally {
                pool.shutdownNow();
            }
            assertThat(model.details()).containsEntry("dl4j.maxConcurrentNetworks", "4");
        }
    }
}
