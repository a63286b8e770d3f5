package org.mlj.api;

import java.util.Objects;

/**
 * One layer of a model whose output {@link Model#layerOutputs} can return: its name, its Keras class
 * and its output shape in Keras layout. Immutable and thread-safe.
 *
 * @param name layer name, e.g. {@code conv1}
 * @param className Keras class, e.g. {@code Conv2D}
 * @param dtype output element type
 * @param outputShape output shape, unknown dimensions as -1
 */
public record LayerInfo(String name, String className, DType dtype, Shape outputShape) {

    /** Validates the components. */
    public LayerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(outputShape, "outputShape");
    }

    @Override
    public String toString() {
        return name + " (" + className + ") -> " + dtype + " " + outputShape;
    }
}
