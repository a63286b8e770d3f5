package org.mlj.serving.repository;

/**
 * What the {@link ModelRepository} reports as versions come and go (metrics and logs listen).
 * Called on the repository's polling thread; implementations must be thread-safe and quick.
 */
public interface RepositoryEvents {
    /** A version became AVAILABLE after {@code millis} of loading and warm-up. */
    void loaded(String model, long version, String backend, long millis);

    /** A version failed to load; it stays in the status with this error. */
    void loadFailed(String model, long version, String error);

    /** A version left service and was closed after its in-flight requests finished. */
    void unloaded(String model, long version);

    /** Events that nobody listens to. */
    RepositoryEvents NONE = new RepositoryEvents() {
        @Override
        public void loaded(String model, long version, String backend, long millis) {
        }

        @Override
        public void loadFailed(String model, long version, String error) {
        }

        @Override
        public void unloaded(String model, long version) {
        }
    };
}
