package org.mlj.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.mlj.api.LoadOptions;

/**
 * What identifies one loaded model in an executor JVM: the model path as configured (before it is
 * resolved on the machine), the backend, the load options and the native thread budget. Two tasks
 * whose keys are equal share one {@link CachedModel} through {@link ModelCache}. Immutable,
 * thread-safe and serializable (it travels from the driver to the executors).
 *
 * @param path the model path as given to {@link MljModelTransformer#setModelPath}
 * @param backend backend name, or empty for the loader's choice
 * @param options backend-specific load options ({@code key=value})
 * @param threads the native thread budget of one executor
 */
public record ModelKey(String path, String backend, Map<String, String> options, ThreadBudget threads)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Validates and copies the components. */
    public ModelKey {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("modelPath is not set: set it to a model directory or file");
        }
        backend = backend == null ? "" : backend.trim();
        options = new TreeMap<>(options);
    }

    /** The load options this key stands for, with the thread budget applied to the backend. */
    public LoadOptions loadOptions() {
        LoadOptions.Builder builder = LoadOptions.builder().backend(backend);
        options.forEach(builder::option);
        return threads.applyTo(builder, backend).build();
    }
}
