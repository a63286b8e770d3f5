package org.mlj.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The dimensions of a tensor, or of a tensor spec where some dimensions may be unknown.
 *
 * <p>A dimension of {@link #UNKNOWN} ({@code -1}) matches any size; it is printed as {@code ?}. A shape
 * of {@linkplain #unknownRank() unknown rank} matches every shape. Concrete tensors always have fully
 * known shapes. Immutable and thread-safe.
 */
public final class Shape {
    /** An unknown dimension, e.g. the batch dimension of a signature input. */
    public static final long UNKNOWN = -1;

    private static final Shape SCALAR = new Shape(new long[0]);
    private static final Shape UNKNOWN_RANK = new Shape(null);

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /**
     * A shape with these dimensions; {@code -1} marks an unknown dimension.
     *
     * @throws IllegalArgumentException for a dimension below -1
     */
    public static Shape of(long... dims) {
        Objects.requireNonNull(dims, "dims");
        if (dims.length == 0) {
            return SCALAR;
        }
        for (long dim : dims) {
            if (dim < UNKNOWN) {
                throw new IllegalArgumentException("Invalid dimension " + dim + " in " + Arrays.toString(dims)
                        + "; dimensions are sizes >= 0, or -1 for unknown");
            }
        }
        return new Shape(dims.clone());
    }

    /** A shape from a list in which {@code null} marks an unknown dimension (as in a JSON manifest). */
    public static Shape fromList(List<? extends Number> dims) {
        if (dims == null) {
            return UNKNOWN_RANK;
        }
        long[] values = new long[dims.size()];
        for (int i = 0; i < values.length; i++) {
            Number dim = dims.get(i);
            values[i] = dim == null ? UNKNOWN : dim.longValue();
        }
        return of(values);
    }

    /** The shape of a scalar (rank 0). */
    public static Shape scalar() {
        return SCALAR;
    }

    /** A shape whose rank is not known; it matches any shape. */
    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    /** Whether the rank is unknown. */
    public boolean isUnknownRank() {
        return dims == null;
    }

    /**
     * Number of dimensions.
     *
     * @throws IllegalStateException if the rank is unknown
     */
    public int rank() {
        if (dims == null) {
            throw new IllegalStateException("Shape of unknown rank has no rank");
        }
        return dims.length;
    }

    /** Size of dimension {@code i}, or {@link #UNKNOWN}. */
    public long dim(int i) {
        if (dims == null) {
            throw new IllegalStateException("Shape of unknown rank has no dimensions");
        }
        return dims[i];
    }

    /** A copy of the dimensions ({@code -1} for unknown ones). */
    public long[] dims() {
        if (dims == null) {
            throw new IllegalStateException("Shape of unknown rank has no dimensions");
        }
        return dims.clone();
    }

    /** Whether every dimension (and the rank) is known. */
    public boolean isFullyKnown() {
        if (dims == null) {
            return false;
        }
        for (long dim : dims) {
            if (dim == UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /**
     * Number of elements: the product of the dimensions (1 for a scalar).
     *
     * @throws IllegalStateException if a dimension is unknown
     * @throws ArithmeticException if the count overflows a long
     */
    public long size() {
        if (!isFullyKnown()) {
            throw new IllegalStateException("Shape " + this + " has unknown dimensions and no element count");
        }
        long size = 1;
        for (long dim : dims) {
            size = Math.multiplyExact(size, dim);
        }
        return size;
    }

    /** The same shape with the first dimension replaced, e.g. to set the batch size. */
    public Shape withFirstDim(long first) {
        long[] copy = dims();
        if (copy.length == 0) {
            throw new IllegalStateException("A scalar has no first dimension");
        }
        copy[0] = first;
        return of(copy);
    }

    /**
     * Whether a concrete shape fits this (possibly partly unknown) one: same rank, and equal sizes
     * wherever this shape knows the size.
     */
    public boolean isCompatibleWith(Shape concrete) {
        if (dims == null || concrete.dims == null) {
            return true;
        }
        if (dims.length != concrete.dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != UNKNOWN && concrete.dims[i] != UNKNOWN && dims[i] != concrete.dims[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Prints {@code [?, 28, 28, 1]}; an unknown rank prints {@code <unknown rank>}. */
    @Override
    public String toString() {
        if (dims == null) {
            return "<unknown rank>";
        }
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(dims[i] == UNKNOWN ? "?" : Long.toString(dims[i]));
        }
        return text.append(']').toString();
    }
}
