package org.mlj.api.bundle;

import org.mlj.api.Tensor;

/**
 * How far one tensor is from a reference ({@link ReferenceBatch}): maximum absolute and relative element
 * difference (NaN where both are NaN counts as equal, NaN on one side as infinitely far), and,
 * for class-probability outputs, how many rows pick the same class.
 *
 * @param maxAbsDiff largest |actual - expected|
 * @param maxRelDiff largest |actual - expected| / max(|expected|, 1e-6)
 * @param worstIndex flat index of the largest absolute difference
 * @param rows rows compared for class agreement (first dimension), 0 if not applicable
 * @param agreeingRows rows whose predicted class (argmax, or threshold 0.5 for one column) agree
 */
public record TensorComparison(double maxAbsDiff, double maxRelDiff, long worstIndex, long rows, long agreeingRows) {

    /**
     * Compares two tensors of the same dtype and shape.
     *
     * @throws IllegalArgumentException if dtype or shape differ
     */
    public static TensorComparison of(Tensor actual, Tensor expected) {
        if (actual.dtype() != expected.dtype()) {
            throw new IllegalArgumentException("dtype " + actual.dtype() + " != expected " + expected.dtype());
        }
        if (!actual.shape().equals(expected.shape())) {
            throw new IllegalArgumentException("shape " + actual.shape() + " != expected " + expected.shape());
        }
        double[] a = actual.toDoubles();
        double[] e = expected.toDoubles();
        double maxAbs = 0;
        double maxRel = 0;
        long worst = -1;
        for (int i = 0; i < a.length; i++) {
            double diff = Math.abs(a[i] - e[i]);
            if (Double.isNaN(diff)) {
                diff = Double.isNaN(a[i]) && Double.isNaN(e[i]) ? 0 : Double.POSITIVE_INFINITY;
            }
            if (worst < 0 || diff > maxAbs) {
                maxAbs = diff;
                worst = i;
            }
            maxRel = Math.max(maxRel, diff / Math.max(Math.abs(e[i]), 1e-6));
        }
        long rows = 0;
        long agreeing = 0;
        if (actual.shape().rank() == 2 && a.length > 0) {
            rows = actual.shape().dim(0);
            int columns = (int) actual.shape().dim(1);
            for (int r = 0; r < rows; r++) {
                if (predictedClass(a, r, columns) == predictedClass(e, r, columns)) {
                    agreeing++;
                }
            }
        }
        return new TensorComparison(maxAbs, maxRel, Math.max(worst, 0), rows, agreeing);
    }

    private static int predictedClass(double[] values, int row, int columns) {
        if (columns == 1) {
            return values[row] > 0.5 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < columns; c++) {
            if (values[row * columns + c] > values[row * columns + best]) {
                best = c;
            }
        }
        return best;
    }

    /** Whether every element is within {@code atol + rtol * |expected|}, approximated by the maxima. */
    public boolean within(double atol) {
        return maxAbsDiff <= atol;
    }

    /** Whether every row picks the same class (true when not applicable). */
    public boolean classesAgree() {
        return rows == agreeingRows;
    }
}
