package org.mlj.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM-wide cache of loaded models: one {@link CachedModel} per {@link ModelKey} per JVM (one per
 * executor on a cluster; one in local mode, where the driver is the executor), shared by every task
 * and partition that scores with it, loaded by the first task that needs it while the others wait,
 * and closed by a JVM shutdown hook. A failed load is not cached, so a retried task tries again.
 * Thread-safe.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final Map<ModelKey, Entry> MODELS = new ConcurrentHashMap<>();
    private static final Map<ModelKey, AtomicInteger> LOADS = new ConcurrentHashMap<>();
    private static final AtomicBoolean HOOK_ADDED = new AtomicBoolean();

    private ModelCache() {
    }

    /** The model for this key, loaded now if this JVM has not loaded it yet. */
    public static CachedModel get(ModelKey key) {
        Entry entry = MODELS.computeIfAbsent(key, Entry::new);
        try {
            return entry.get();
        } catch (RuntimeException | Error e) {
            MODELS.remove(key, entry);
            throw e;
        }
    }

    /** How many times this JVM has loaded the model of this key (1 after any number of tasks). */
    public static int loads(ModelKey key) {
        AtomicInteger count = LOADS.get(key);
        return count == null ? 0 : count.get();
    }

    /** Closes every cached model and forgets it; the next {@link #get} loads again. */
    public static void closeAll() {
        for (ModelKey key : MODELS.keySet()) {
            Entry entry = MODELS.remove(key);
            if (entry != null) {
                entry.close();
            }
        }
    }

    private static CachedModel load(ModelKey key) {
        if (HOOK_ADDED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "mlj-spark-model-cache"));
        }
        long start = System.nanoTime();
        Model model = Models.load(ModelLocation.resolve(key.path()), key.loadOptions());
        LOADS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        LOG.info("Loaded {} with backend {} in {} ms ({}), once for this JVM", model.source(), model.backend(),
                (System.nanoTime() - start) / 1_000_000, key.threads());
        return new CachedModel(model);
    }

    /** Loads its model once, on first demand. */
    private static final class Entry {
        private final ModelKey key;
        private CachedModel model;

        Entry(ModelKey key) {
            this.key = key;
        }

        synchronized CachedModel get() {
            if (model == null) {
                model = load(key);
            }
            return model;
        }

        synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
