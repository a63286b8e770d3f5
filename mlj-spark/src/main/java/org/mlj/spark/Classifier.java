package org.mlj.spark;

import java.io.Serializable;
import java.util.List;

/**
 * The predicted-class and label columns of a classifier: the class is the index of the largest
 * value of the model's first output when it has one value per label, or {@code value >= 0.5} for a
 * single sigmoid output with two labels; the label is the bundle's name for that class.
 * Immutable, thread-safe and serializable.
 *
 * @param classColumn column for the class index ({@code int}), or empty for none
 * @param labelColumn column for the label ({@code string}), or empty for none
 * @param labels the bundle's labels
 */
record Classifier(String classColumn, String labelColumn, List<String> labels) implements Serializable {
    private static final long serialVersionUID = 1L;

    Classifier {
        labels = List.copyOf(labels);
    }

    /** Whether a first output with {@code width} values per example is a classification over the labels. */
    static boolean fits(List<String> labels, long width) {
        return labels.size() >= 2 && (width == labels.size() || (width == 1 && labels.size() == 2));
    }

    /** The class of one example's first output. */
    int predict(float[] scores) {
        if (scores.length == 1) {
            return scores[0] >= 0.5f ? 1 : 0;
        }
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The class of one example's first output, given in any numeric array type. */
    int predict(Object scores) {
        if (scores instanceof float[] floats) {
            return predict(floats);
        }
        double[] values = scores instanceof double[] d ? d
                : scores instanceof int[] ints ? java.util.Arrays.stream(ints).asDoubleStream().toArray()
                : java.util.Arrays.stream((long[]) scores).asDoubleStream().toArray();
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return predict(floats);
    }
}
