package org.mlj.api.testing;

import java.util.Map;
import org.mlj.api.DType;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.TensorComparison;

/** Assertions on tensors shared by the test suites of every module: shape and dtype first, then values. */
public final class TensorAssertions {
    private TensorAssertions() {
    }

    /**
     * Asserts same dtype and shape, and every element within {@code atol} (exact for non-float dtypes).
     */
    public static TensorComparison assertClose(Tensor actual, Tensor expected, double atol, String what) {
        if (actual.dtype() != expected.dtype() || !actual.shape().equals(expected.shape())) {
            throw new AssertionError(what + ": got " + actual.dtype() + " " + actual.shape() + ", expected "
                    + expected.dtype() + " " + expected.shape());
        }
        if (expected.dtype() == DType.STRING) {
            if (!actual.equals(expected)) {
                throw new AssertionError(what + ": strings differ: " + actual + " vs " + expected);
            }
            return new TensorComparison(0, 0, 0, 0, 0);
        }
        TensorComparison comparison = TensorComparison.of(actual, expected);
        boolean exact = expected.dtype() != DType.FLOAT32 && expected.dtype() != DType.FLOAT64;
        double tolerance = exact ? 0 : atol;
        if (!(comparison.maxAbsDiff() <= tolerance)) {
            long i = comparison.worstIndex();
            throw new AssertionError(what + ": max abs diff " + comparison.maxAbsDiff() + " > " + tolerance + " at flat index "
                    + i + " (got " + actual.getAsDouble(i) + ", expected " + expected.getAsDouble(i) + ")");
        }
        return comparison;
    }

    /** Asserts that outputs hold exactly the expected names, in order, each close to its reference. */
    public static void assertOutputsClose(Outputs actual, Map<String, Tensor> expected, double atol, String what) {
        if (!actual.names().equals(java.util.List.copyOf(expected.keySet()))) {
            throw new AssertionError(what + ": output names " + actual.names() + ", expected " + expected.keySet());
        }
        for (Map.Entry<String, Tensor> entry : expected.entrySet()) {
            assertClose(actual.get(entry.getKey()), entry.getValue(), atol, what + " output '" + entry.getKey() + "'");
        }
    }
}
