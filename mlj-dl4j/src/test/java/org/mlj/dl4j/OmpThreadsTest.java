package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.bundle.ReferenceBatch;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The per-call OpenMP thread policy: who gets more threads, that they are restored, and that outputs do not change. */
class OmpThreadsTest {

    private static NativeOps ops() {
        Nd4j.create(1);
        return NativeOpsHolder.getInstance().getDeviceNativeOps();
    }

    @Test
    void largeCallAloneGetsTheThreadsForItsDurationOnly() {
        int before = ops().ompGetMaxThreads();
        int wanted = before + 1;
        OmpThreads policy = new OmpThreads(wanted);
        AtomicInteger inside = new AtomicInteger();
        policy.run(OmpThreads.MIN_ROWS, () -> inside.set(ops().ompGetMaxThreads()));
        assertThat(inside.get()).isEqualTo(wanted);
        assertThat(ops().ompGetMaxThreads()).isEqualTo(before);

        policy.run(OmpThreads.MIN_ROWS - 1, () -> inside.set(ops().ompGetMaxThreads()));
        assertThat(inside.get()).as("small batch").isEqualTo(before);
        new OmpThreads(0).run(1000, () -> inside.set(ops().ompGetMaxThreads()));
        assertThat(inside.get()).as("policy off").isEqualTo(before);
    }

    @Test
    void aConcurrentCallKeepsTheDefault() throws Exception {
        int before = ops().ompGetMaxThreads();
        OmpThreads policy = new OmpThreads(before + 1);
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        Thread other = new Thread(() -> policy.run(1000, () -> {
            first.set(ops().ompGetMaxThreads());
            firstInside.countDown();
            try {
                secondDone.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        other.start();
        assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
        policy.run(1000, () -> second.set(ops().ompGetMaxThreads()));
        secondDone.countDown();
        other.join(10_000);
        assertThat(first.get()).isEqualTo(before + 1);
        assertThat(second.get()).as("while another call runs").isEqualTo(before);
        assertThat(ops().ompGetMaxThreads()).isEqualTo(before);
    }

    @Test
    void fusedLstmGivesTheSameOutputsOnOneThreadAndOnMore() {
        Path bundle = ModelFixtures.model("imdb_lstm");
        ReferenceBatch batch = ModelFixtures.references(bundle).stream().filter(b -> b.name().equals("batch_32")).findFirst().orElseThrow();
        LoadOptions one = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.LSTM_THREADS.key(), 0).build();
        LoadOptions two = LoadOptions.builder().backend("dl4j").option(Dl4jBackend.LSTM_THREADS.key(), 2).build();
        try (Model single = Models.load(bundle, one); Model multi = Models.load(bundle, two)) {
            TensorAssertions.assertOutputsClose(multi.predict(batch.inputs()), single.predict(batch.inputs()).asMap(), 1e-6,
                    "imdb_lstm batch_32, 2 OpenMP threads vs OMP_NUM_THREADS");
            TensorAssertions.assertOutputsClose(multi.predict(batch.inputs()), batch.outputs(), 1e-5, "imdb_lstm batch_32 vs Python");
        }
    }
}
