package org.mlj.dl4j;

import java.util.concurrent.atomic.AtomicInteger;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The thread policy of one model's large native calls: a call on at least {@link #MIN_ROWS} rows that
 * runs while no other call of the same model does gets {@code threads} OpenMP threads, set on the
 * calling thread for that call only and restored afterwards; every other call keeps the process's
 * {@code OMP_NUM_THREADS}.
 *
 * <p>libnd4j's {@code setOmpNumThreads} sets OpenMP's thread count of the calling thread (measured:
 * another thread keeps its own), so the choice is per call. It is made only where it was measured to
 * pay: the fused {@code lstmLayer} op ran 1.3× (batch 32, 64) to 1.5× (batch 256) faster on 2 threads
 * than on 1, and equally fast at batch 1, while DL4J's convolutions ran up to 15× slower with 2
 * spinning OpenMP threads on a busy 2-core machine, and two concurrent calls with 2 threads each would
 * oversubscribe the cores. Calls of other models
 * in the same process are not seen. Thread-safe.
 */
final class OmpThreads {
    /** The smallest batch (rows) that gets the larger thread count. */
    static final long MIN_ROWS = 32;

    private final int threads;
    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param threads OpenMP threads for a large call running alone; 0 keeps {@code OMP_NUM_THREADS} for all calls
     */
    OmpThreads(int threads) {
        this.threads = threads;
    }

    /** Runs {@code call}, a native call on {@code rows} rows, under the policy. */
    void run(long rows, Runnable call) {
        boolean alone = running.incrementAndGet() == 1;
        try {
            if (threads <= 0 || rows < MIN_ROWS || !alone) {
                call.run();
                return;
            }
            NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
            int before = ops.ompGetMaxThreads();
            if (before == threads) {
                call.run();
                return;
            }
            ops.setOmpNumThreads(threads);
            try {
                call.run();
            } finally {
                ops.setOmpNumThreads(before);
            }
        } finally {
            running.decrementAndGet();
        }
    }
}
