package org.mlj.dl4j;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A bounded pool of per-thread network state for a {@link ForwardPass}: a call borrows an idle member,
 * or makes a new one while fewer than {@code maxMembers} exist, or waits for one to come back. Members
 * are made on first need, so a single-threaded caller never has more than the first. Thread-safe.
 *
 * @param <M> a member, used by one thread at a time
 */
final class NetworkPool<M> {
    private final BlockingQueue<M> idle;
    private final Supplier<M> factory;
    private final AtomicInteger members = new AtomicInteger(1);
    private final int maxMembers;

    /**
     * @param first the first member
     * @param factory makes another member
     * @param maxMembers the most members that exist at once (at least 1)
     */
    NetworkPool(M first, Supplier<M> factory, int maxMembers) {
        if (maxMembers < 1) {
            throw new IllegalArgumentException("maxMembers must be at least 1, got " + maxMembers);
        }
        this.factory = factory;
        this.maxMembers = maxMembers;
        this.idle = new ArrayBlockingQueue<>(maxMembers);
        idle.add(first);
    }

    /** The most members that exist at once. */
    int maxMembers() {
        return maxMembers;
    }

    /** Runs {@code call} with a member borrowed for its duration. */
    <T> T with(Function<M, T> call) {
        M member = borrow();
        try {
            return call.apply(member);
        } finally {
            idle.add(member);
        }
    }

    private M borrow() {
        M member = idle.poll();
        if (member != null) {
            return member;
        }
        if (members.incrementAndGet() <= maxMembers) {
            try {
                return factory.get();
            } catch (RuntimeException | Error e) {
                members.decrementAndGet();
                throw e;
            }
        }
        members.decrementAndGet();
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a free DL4J network", e);
        }
    }

    /** Drops the idle members; called once, with no call running. */
    void clear() {
        idle.clear();
    }
}
