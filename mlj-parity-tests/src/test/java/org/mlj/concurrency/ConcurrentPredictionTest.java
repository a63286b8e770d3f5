package org.mlj.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;

/**
 * On both backends, 8 threads predicting with mixed batch sizes get results bit-identical to a
 * sequential run, and {@code close()} during predictions ends them with an {@link IllegalStateException},
 * never a crash or a wrong result.
 */
class ConcurrentPredictionTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 40;
    private static final int BATCH_KINDS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void concurrentResultsAreBitIdenticalToSequential(String backend) throws Exception {
        try (Model model = Models.load(ModelFixtures.model("mnist_cnn"), LoadOptions.builder().backend(backend).build())) {
            List<Tensor> inputs = inputs();
            List<float[]> sequential = new ArrayList<>();
            for (Tensor input : inputs) {
                sequential.add(predict(model, input));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        int checked = 0;
                        for (int call = 0; call < CALLS_PER_THREAD; call++) {
                            int kind = (thread + call) % BATCH_KINDS;
                            assertThat(predict(model, inputs.get(kind))).as("batch kind %d", kind).isEqualTo(sequential.get(kind));
                            checked++;
                        }
                        return checked;
                    }));
                }
                int total = 0;
                for (Future<Integer> future : futures) {
                    total += future.get(5, TimeUnit.MINUTES);
                }
                assertThat(total).isEqualTo(THREADS * CALLS_PER_THREAD);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void closeDuringPredictionsEndsThemCleanly(String backend) throws Exception {
        Model model = Models.load(ModelFixtures.model("mnist_cnn"), LoadOptions.builder().backend(backend).build());
        List<Tensor> inputs = inputs();
        float[] expected = predict(model, inputs.get(1));
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    started.countDown();
                    for (int call = 0; call < 10_000; call++) {
                        try {
                            assertThat(predict(model, inputs.get(1))).isEqualTo(expected);
                            completed.incrementAndGet();
                        } catch (IllegalStateException closed) {
                            assertThat(closed).hasMessageContaining("closed");
                            refused.incrementAndGet();
                            return;
                        }
                    }
                }));
            }
            started.await(1, TimeUnit.MINUTES);
            Thread.sleep(200);
            model.close();
            for (Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refused.get()).isEqualTo(THREADS);
        assertThat(completed.get()).isPositive();
    }

    private static float[] predict(Model model, Tensor input) {
        return model.predict(Map.of("image", input)).get("predictions").toFloatArray();
    }

    /** Batches of 1, 2, 3, 5, 8 and 13 random images, fixed by seed. */
    private static List<Tensor> inputs() {
        Random random = new Random(42);
        List<Tensor> inputs = new ArrayList<>();
        for (int batch : new int[] {1, 2, 3, 5, 8, 13}) {
            float[] pixels = new float[batch * 784];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            inputs.add(Tensor.ofFloats(pixels, batch, 28, 28, 1));
        }
        return inputs;
    }
}
