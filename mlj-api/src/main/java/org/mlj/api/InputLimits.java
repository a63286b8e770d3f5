package org.mlj.api;

import java.util.Map;

/**
 * Caps on input size, checked from shapes alone, so that a hostile or mistaken request (a shape of
 * {@code [2147483647, 784]}, a {@code .npy} header claiming terabytes) fails with an
 * {@link InvalidInputException} before anything is allocated for it.
 *
 * <p>{@link #DEFAULT} comes from the system properties {@value #MAX_TENSOR_ELEMENTS_PROPERTY} (default
 * 2<sup>28</sup> = 268,435,456 elements, 1 GiB of float32) and {@value #MAX_REQUEST_ELEMENTS_PROPERTY}
 * (default 2<sup>29</sup>), read once. Every {@link Model#predict} checks them; decoders of untrusted
 * input ({@link org.mlj.api.npy.NpyFile}, a server's request codecs) call {@link #checkTensor} with the claimed shape
 * before they allocate. Values (NaN, infinities) are data and are not checked.
 *
 * @param maxElementsPerTensor the most elements one input tensor may have
 * @param maxElementsPerRequest the most elements all inputs of one call may have together
 */
public record InputLimits(long maxElementsPerTensor, long maxElementsPerRequest) {
    /** System property: the most elements per input tensor. */
    public static final String MAX_TENSOR_ELEMENTS_PROPERTY = "mlj.maxTensorElements";
    /** System property: the most elements per request (all inputs of one call). */
    public static final String MAX_REQUEST_ELEMENTS_PROPERTY = "mlj.maxRequestElements";

    /** The limits every model applies: the system properties, else 2^28 per tensor and 2^29 per request. */
    public static final InputLimits DEFAULT = new InputLimits(property(MAX_TENSOR_ELEMENTS_PROPERTY, 1L << 28),
            property(MAX_REQUEST_ELEMENTS_PROPERTY, 1L << 29));

    /**
     * @throws IllegalArgumentException if a limit is not positive
     */
    public InputLimits {
        if (maxElementsPerTensor <= 0 || maxElementsPerRequest <= 0) {
            throw new IllegalArgumentException("Input limits must be positive, got " + maxElementsPerTensor + " per tensor and "
                    + maxElementsPerRequest + " per request");
        }
    }

    /**
     * Checks the shape one input claims, before anything is allocated for it.
     *
     * @param name the input, for the message
     * @return the element count
     * @throws InvalidInputException if the shape is not fully known, has a negative dimension, or holds
     *     more elements than {@link #maxElementsPerTensor}
     */
    public long checkTensor(String name, Shape shape) {
        if (shape.isUnknownRank()) {
            throw new InvalidInputException("Input '" + name + "' has no known shape");
        }
        long elements = 1;
        boolean overflow = false;
        for (int i = 0; i < shape.rank(); i++) {
            long dim = shape.dim(i);
            if (dim < 0) {
                throw new InvalidInputException("Input '" + name + "' has shape " + shape + ": dimension " + i
                        + " is " + dim + ", expected a size >= 0");
            }
            if (!overflow) {
                try {
                    elements = Math.multiplyExact(elements, dim);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        if (overflow || elements > maxElementsPerTensor) {
            throw new InvalidInputException("Input '" + name + "' has shape " + shape + " ("
                    + (overflow ? "more than " + Long.MAX_VALUE : elements) + " elements), more than the limit of "
                    + maxElementsPerTensor + " elements per tensor (system property " + MAX_TENSOR_ELEMENTS_PROPERTY + ")");
        }
        return elements;
    }

    /**
     * Checks every input of one call and their total.
     *
     * @throws InvalidInputException naming the input over the per-tensor limit, or the total over the per-request limit
     */
    public void checkRequest(Map<String, Tensor> inputs) {
        long total = 0;
        for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
            if (input.getValue() != null) {
                total += checkTensor(input.getKey(), input.getValue().shape());
                if (total > maxElementsPerRequest) {
                    throw new InvalidInputException("The inputs " + inputs.keySet() + " hold more than " + maxElementsPerRequest
                            + " elements together, the limit per request (system property " + MAX_REQUEST_ELEMENTS_PROPERTY + ")");
                }
            }
        }
    }

    private static long property(String key, long defaultValue) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("System property " + key + " must be a positive integer, got '" + value + "'");
    }
}
