package org.mlj.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mlj.api.DType;
import org.mlj.api.InvalidInputException;
import org.mlj.api.LoadOptions;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;

/** Cutting a large call into parts that run at once, and joining their outputs, with a row-wise stand-in model. */
class RowSplitTest {
    private static final BackendOption<Integer> OPTION = RowSplit.option("test", 4);
    /** Batch-first inputs, as Keras declares them. */
    private static final Signature SIGNATURE = new Signature("s", List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 3)),
            TensorSpec.of("y", DType.FLOAT32, Shape.of(-1)), TensorSpec.of("w", DType.STRING, Shape.of(-1))), List.of());
    private final List<Long> partRows = new CopyOnWriteArrayList<>();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void needsTwoCores() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "splitting needs two cores");
    }

    /** Doubles every element and sums each row: a row-wise model. */
    private Outputs doubleAndSum(Map<String, Tensor> inputs) {
        Tensor x = inputs.get("x");
        long rows = x.shape().dim(0);
        partRows.add(rows);
        threads.add(Thread.currentThread().getName());
        float[] values = x.toFloatArray();
        float[] doubled = new float[values.length];
        float[] sums = new float[(int) rows];
        int columns = (int) (values.length / rows);
        for (int i = 0; i < values.length; i++) {
            doubled[i] = 2 * values[i];
            sums[i / columns] += values[i];
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("doubled", Tensor.ofFloats(doubled, x.shape().dims()));
        out.put("sum", Tensor.ofFloats(sums, rows));
        return new Outputs(out);
    }

    private static Map<String, Tensor> rows(int rows) {
        float[] values = new float[rows * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return Map.of("x", Tensor.ofFloats(values, rows, 3));
    }

    private static RowSplit split(int minRows) {
        return RowSplit.of(OPTION, LoadOptions.builder().option("test.splitRows", minRows).build(), "test model", false);
    }

    @Test
    void aLargeCallRunsInPartsOnTwoThreadsAndJoinsToTheWholeCallsOutputs() {
        Map<String, Tensor> inputs = rows(9);
        Outputs whole = doubleAndSum(inputs);
        partRows.clear();
        threads.clear();
        Outputs parted = split(4).run(SIGNATURE, inputs, part -> {
            try {
                Thread.sleep(100); // long enough for the pool thread to take its part before the caller could
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return doubleAndSum(part);
        });
        assertThat(partRows).containsExactlyInAnyOrder(4L, 5L);
        assertThat(threads).hasSize(2);
        assertThat(parted.names()).containsExactly("doubled", "sum");
        assertThat(parted.get("doubled")).isEqualTo(whole.get("doubled"));
        assertThat(parted.get("sum")).isEqualTo(whole.get("sum"));
    }

    @Test
    void smallCallsAndSplittingOffRunWhole() {
        split(4).run(SIGNATURE, rows(7), this::doubleAndSum);
        split(0).run(SIGNATURE, rows(100), this::doubleAndSum);
        RowSplit.NONE.run(SIGNATURE, rows(100), this::doubleAndSum);
        assertThat(partRows).containsExactly(7L, 100L, 100L);
        assertThat(split(0).minRows()).isZero();
    }

    @Test
    void inputsWithDifferentRowCountsOrScalarsRunWhole() {
        Map<String, Tensor> inputs = new LinkedHashMap<>(rows(10));
        inputs.put("y", Tensor.ofFloats(new float[9], 9));
        split(2).run(SIGNATURE, inputs, this::doubleAndSum);
        inputs.put("y", Tensor.scalar(1f));
        split(2).run(SIGNATURE, inputs, this::doubleAndSum);
        assertThat(partRows).containsExactly(10L, 10L);
    }

    @Test
    void aCallRunningBesideAnotherIsNotSplit() throws Exception {
        RowSplit split = split(4);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> split.run(SIGNATURE, rows(3), inputs -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return doubleAndSum(inputs);
        }));
        first.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        split.run(SIGNATURE, rows(20), this::doubleAndSum);
        release.countDown();
        first.join(10_000);
        assertThat(partRows).containsExactly(20L, 3L);
    }

    @Test
    void anOutputThatIsNotRowWiseMakesTheCallRunWholeAndSplittingStop() {
        RowSplit split = split(4);
        Function<Map<String, Tensor>, Outputs> total = inputs -> {
            partRows.add(inputs.get("x").shape().dim(0));
            float sum = 0;
            for (float value : inputs.get("x").toFloatArray()) {
                sum += value;
            }
            return new Outputs(Map.of("total", Tensor.ofFloats(new float[] {sum}, 1)));
        };
        Outputs first = split.run(SIGNATURE, rows(10), total);
        assertThat(first.get("total").toFloatArray()).containsExactly(435f);
        assertThat(partRows).containsExactlyInAnyOrder(5L, 5L, 10L);
        partRows.clear();
        split.run(SIGNATURE, rows(10), total);
        assertThat(partRows).containsExactly(10L);
    }

    @Test
    void aPartsExceptionReachesTheCallerAsThrown() {
        assertThatThrownBy(() -> split(4).run(SIGNATURE, rows(10), inputs -> {
            throw new InvalidInputException("bad part of " + inputs.get("x").shape());
        })).isInstanceOf(InvalidInputException.class).hasMessageStartingWith("bad part of [5, 3]");
    }

    @Test
    void stringInputsAreCutAndOutputsJoined() {
        String[] words = {"a", "b", "c", "d", "e", "f", "g", "h"};
        Outputs outputs = split(4).run(SIGNATURE, Map.of("w", Tensor.ofStrings(words, 8)), inputs -> {
            partRows.add(inputs.get("w").shape().dim(0));
            return new Outputs(Map.of("w", inputs.get("w")));
        });
        assertThat(partRows).containsExactlyInAnyOrder(4L, 4L);
        assertThat(outputs.get("w").toStringArray()).containsExactly(words);
    }

    @Test
    void onlyInputsDeclaredBatchFirstAreCut() {
        Signature fixedFirst = new Signature("s", List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(10, 3))), List.of());
        Signature unknownRank = new Signature("s", List.of(TensorSpec.of("x", DType.FLOAT32, Shape.unknownRank())), List.of());
        split(4).run(fixedFirst, rows(10), this::doubleAndSum);
        split(4).run(unknownRank, rows(10), this::doubleAndSum);
        assertThat(partRows).as("time-major or unknown layouts run whole").containsExactly(10L, 10L);
        partRows.clear();
        RowSplit keras = RowSplit.of(OPTION, LoadOptions.builder().option("test.splitRows", 4).build(), "keras model", true);
        keras.run(unknownRank, rows(10), this::doubleAndSum);
        assertThat(partRows).as("Keras inputs are batch-first").containsExactlyInAnyOrder(5L, 5L);
    }

    private Function<Map<String, Tensor>, Outputs> sleeping(long wholeMillis, long partMillis) {
        return inputs -> {
            try {
                Thread.sleep(inputs.get("x").shape().dim(0) == 10 ? wholeMillis : partMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return doubleAndSum(inputs);
        };
    }

    @Test
    void theFasterWayIsKeptOnceBothAreTimed() {
        RowSplit losing = split(4);
        Function<Map<String, Tensor>, Outputs> partsAsSlowAsTheWhole = sleeping(10, 30);
        for (int i = 0; i < 6; i++) {
            losing.run(SIGNATURE, rows(10), partsAsSlowAsTheWhole);
        }
        assertThat(partRows).as("three trials each way").filteredOn(rows -> rows == 10L).hasSize(3);
        partRows.clear();
        for (int i = 0; i < 5; i++) {
            losing.run(SIGNATURE, rows(10), partsAsSlowAsTheWhole);
        }
        assertThat(partRows).as("splitting lost, so calls run whole").containsOnly(10L).hasSize(5);

        RowSplit winning = split(4);
        Function<Map<String, Tensor>, Outputs> partsFaster = sleeping(40, 10);
        for (int i = 0; i < 6; i++) {
            winning.run(SIGNATURE, rows(10), partsFaster);
        }
        partRows.clear();
        for (int i = 0; i < 5; i++) {
            winning.run(SIGNATURE, rows(10), partsFaster);
        }
        assertThat(partRows).as("splitting won, so calls run in parts").containsOnly(5L).hasSize(10);
    }
}
