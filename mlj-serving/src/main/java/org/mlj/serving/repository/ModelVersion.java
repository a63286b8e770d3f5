package org.mlj.serving.repository;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.mlj.api.Model;
import org.mlj.serving.proto.SavedModelSignatures;

/**
 * One numbered version of a served model: its state (TF Serving's {@code START}, {@code LOADING},
 * {@code AVAILABLE}, {@code UNLOADING}, {@code END}), the loaded {@link Model} while available, or
 * the error that stopped it loading.
 *
 * <p><b>Thread-safety and closing:</b> requests {@link #tryAcquire()} a version before using its
 * model and {@link #release()} it when done; {@link #retire} takes the version out of service and
 * closes the model once the last in-flight request has released it, so a swap never fails a request.
 * The repository owns the version and is the only caller of {@code retire}.
 */
public final class ModelVersion {
    /** TF Serving's servable states, as its status API names them. */
    public enum State { START, LOADING, AVAILABLE, UNLOADING, END }

    private final String modelName;
    private final long number;
    private final Path path;
    private volatile State state = State.START;
    private volatile String error;
    private volatile Model model;
    private volatile SavedModelSignatures savedModel;
    private volatile long directoryStamp;
    private int inFlight;
    private boolean retired;
    private Runnable onClosed;

    ModelVersion(String modelName, long number, Path path) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.number = number;
        this.path = Objects.requireNonNull(path, "path");
    }

    /** The model's name. */
    public String modelName() {
        return modelName;
    }

    /** The version number (the directory's name). */
    public long number() {
        return number;
    }

    /** The version directory. */
    public Path path() {
        return path;
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /** Why loading failed, if it did. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The loaded model; only between a successful {@link #tryAcquire()} and {@link #release()}. */
    public Model model() {
        Model current = model;
        if (current == null) {
            throw new IllegalStateException("Version " + number + " of model " + modelName + " is not loaded");
        }
        return current;
    }

    /** The SavedModel's own signature definitions, when the version was served from a SavedModel by TensorFlow. */
    public Optional<SavedModelSignatures> savedModel() {
        return Optional.ofNullable(savedModel);
    }

    /**
     * Takes a reference for one request.
     *
     * @return false if the version is no longer in service (the caller picks another)
     */
    public synchronized boolean tryAcquire() {
        if (retired || state != State.AVAILABLE) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** Returns a reference taken by {@link #tryAcquire()}. */
    public void release() {
        Model toClose = null;
        Runnable closed = null;
        synchronized (this) {
            inFlight--;
            if (retired && inFlight == 0 && model != null) {
                toClose = model;
                closed = onClosed;
                model = null;
            }
        }
        if (toClose != null) {
            finish(toClose, closed);
        }
    }

    /** Requests running on this version now. */
    public synchronized int inFlight() {
        return inFlight;
    }

    void loading() {
        state = State.LOADING;
    }

    void available(Model loaded, SavedModelSignatures signatures) {
        this.model = loaded;
        this.savedModel = signatures;
        this.error = null;
        this.state = State.AVAILABLE;
    }

    void failed(String message) {
        this.error = message;
        this.state = State.END;
    }

    long directoryStamp() {
        return directoryStamp;
    }

    void directoryStamp(long stamp) {
        this.directoryStamp = stamp;
    }

    /** Takes the version out of service; closes the model now or when the last request releases it. */
    void retire(Runnable whenClosed) {
        Model toClose = null;
        synchronized (this) {
            if (retired) {
                return;
            }
            retired = true;
            if (model == null) {
                state = State.END;
                return;
            }
            state = State.UNLOADING;
            onClosed = whenClosed;
            if (inFlight == 0) {
                toClose = model;
                model = null;
            }
        }
        if (toClose != null) {
            finish(toClose, whenClosed);
        }
    }

    private void finish(Model toClose, Runnable whenClosed) {
        try {
            toClose.close();
        } finally {
            state = State.END;
            if (whenClosed != null) {
                whenClosed.run();
            }
        }
    }

    @Override
    public String toString() {
        return modelName + "/" + number + " (" + state + ")";
    }
}
