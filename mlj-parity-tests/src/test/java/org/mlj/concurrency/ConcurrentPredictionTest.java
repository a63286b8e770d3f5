package org.mlj.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.DType;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.testing.ModelFixtures;

/**
 * On both backends, 8 threads predicting with mixed batch sizes get results bit-identical to a
 * sequential run, and {@code close()} during predictions ends them with an {@link IllegalStateException},
 * never a crash or a wrong result.
 *
 * <p>The scale is set by system properties: {@code mlj.concurrency.calls} predictions per thread
 * (default 40, the quick run of {@code mvn verify}) on the bundles named by
 * {@code mlj.concurrency.models} (default {@code mnist_cnn}); {@code concurrency-campaign.sh} runs
 * 8 x 100,000. Each thread's call {@code i} uses one of {@value #DISTINCT_INPUTS} fixed inputs (batch
 * sizes 1-13), whose sequential outputs are computed once before the threads start; every concurrent
 * output is compared bit for bit with its input's sequential output, and mismatches are counted.
 * Each run appends one line to {@code mlj.concurrency.report}.
 */
class ConcurrentPredictionTest {
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = Integer.getInteger("mlj.concurrency.calls", 40);
    private static final List<String> MODELS = List.of(System.getProperty("mlj.concurrency.models", "mnist_cnn").split(","));
    private static final int[] BATCH_SIZES = {1, 2, 3, 5, 8, 13};
    /** Two inputs per batch size. */
    private static final int DISTINCT_INPUTS = 12;

    static Stream<Arguments> backendsAndModels() {
        return Stream.of("tensorflow", "dl4j").flatMap(backend -> MODELS.stream().map(model -> Arguments.of(backend, model.trim())));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndModels")
    void concurrentResultsAreBitIdenticalToSequential(String backend, String modelName) throws Exception {
        try (Model model = Models.load(ModelFixtures.model(modelName), LoadOptions.builder().backend(backend).build())) {
            TensorSpec input = model.signature().requiredInputs().get(0);
            String output = model.signature().outputNames().get(0);
            List<Tensor> inputs = inputs(input);
            List<float[]> sequential = new ArrayList<>();
            for (Tensor tensor : inputs) {
                sequential.add(predict(model, input.name(), output, tensor));
            }
            AtomicLong mismatches = new AtomicLong();
            AtomicReference<String> firstMismatch = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            long start = System.nanoTime();
            long total = 0;
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        int checked = 0;
                        for (int call = 0; call < CALLS_PER_THREAD; call++) {
                            int kind = (thread * 7 + call) % DISTINCT_INPUTS;
                            float[] result = predict(model, input.name(), output, inputs.get(kind));
                            if (!Arrays.equals(result, sequential.get(kind))) {
                                mismatches.incrementAndGet();
                                firstMismatch.compareAndSet(null, "thread " + thread + " call " + call + " input " + kind + " (batch "
                                        + inputs.get(kind).shape().dim(0) + ")");
                            }
                            checked++;
                        }
                        return checked;
                    }));
                }
                long timeoutSeconds = 300 + CALLS_PER_THREAD / 50L; // bounded: 20 ms per call and thread at most
                for (Future<Integer> future : futures) {
                    total += future.get(timeoutSeconds, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long wallMillis = (System.nanoTime() - start) / 1_000_000;
            report(String.format("%s %s: %d threads x %d calls = %d predictions (%d samples), mismatches %d, wall %.1f s",
                    backend, modelName, THREADS, CALLS_PER_THREAD, total, samples(inputs, total), mismatches.get(), wallMillis / 1000.0));
            assertThat(total).isEqualTo((long) THREADS * CALLS_PER_THREAD);
            assertThat(mismatches.get()).as("outputs that differ from the sequential run; first: %s", firstMismatch.get()).isZero();
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
        return predict(model, "image", "predictions", input);
    }

    private static float[] predict(Model model, String input, String output, Tensor tensor) {
        return model.predict(Map.of(input, tensor)).get(output).toFloatArray();
    }

    /** {@link #DISTINCT_INPUTS} random float inputs of the spec's shape, batch sizes from {@link #BATCH_SIZES}, fixed by seed. */
    private static List<Tensor> inputs(TensorSpec spec) {
        assertThat(spec.dtype()).as("input %s: this test feeds float32 inputs", spec.name()).isEqualTo(DType.FLOAT32);
        Random random = new Random(17);
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < DISTINCT_INPUTS; i++) {
            long[] dims = spec.shape().dims();
            dims[0] = BATCH_SIZES[i % BATCH_SIZES.length];
            float[] values = new float[Math.toIntExact(Shape.of(dims).size())];
            for (int v = 0; v < values.length; v++) {
                values[v] = random.nextFloat();
            }
            inputs.add(Tensor.ofFloats(values, dims));
        }
        return inputs;
    }

    /** Samples predicted by {@code calls} calls spread evenly over the inputs. */
    private static long samples(List<Tensor> inputs, long calls) {
        long perRound = inputs.stream().mapToLong(t -> t.shape().dim(0)).sum();
        return calls / inputs.size() * perRound;
    }

    private static void report(String line) throws IOException {
        System.err.println("concurrency: " + line);
        String file = System.getProperty("mlj.concurrency.report");
        if (file != null) {
            Path path = Path.of(file);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
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
