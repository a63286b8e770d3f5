package org.mlj.api;

import java.util.Objects;

/**
 * Name, dtype and shape of one input or output of a {@link Signature}.
 *
 * <p>{@code shape} may contain unknown dimensions ({@link Shape#UNKNOWN}). {@code layout} says how a
 * Keras model reads the dimensions ({@code NHWC}, {@code NTC}, {@code NT}, {@code NC}) when known, or
 * is {@code null}. An {@code optional} input may be left out: the backend feeds its documented
 * default (e.g. {@code keras_learning_phase = false}). Immutable and thread-safe.
 *
 * @param name the key callers use, e.g. {@code image}
 * @param dtype element type
 * @param shape shape, unknown dimensions as -1
 * @param layout dimension layout such as {@code NHWC}, or {@code null}
 * @param optional whether the input may be omitted
 */
public record TensorSpec(String name, DType dtype, Shape shape, String layout, boolean optional) {

    /** Validates the components. */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
    }

    /** A required spec with no layout. */
    public static TensorSpec of(String name, DType dtype, Shape shape) {
        return new TensorSpec(name, dtype, shape, null, false);
    }

    /** The same spec marked optional. */
    public TensorSpec asOptional() {
        return new TensorSpec(name, dtype, shape, layout, true);
    }

    /** {@code image: float32 [?, 28, 28, 1] NHWC (optional)}. */
    @Override
    public String toString() {
        return name + ": " + dtype + " " + shape + (layout == null ? "" : " " + layout) + (optional ? " (optional)" : "");
    }
}
