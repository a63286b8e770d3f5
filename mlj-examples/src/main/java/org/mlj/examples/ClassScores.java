package org.mlj.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.mlj.api.Tensor;

/**
 * The class probabilities of one example, labelled. A softmax output {@code [batch, classes]} gives
 * one probability per class; a sigmoid output {@code [batch, 1]} gives {@code 1 - p} for the first
 * (negative) label and {@code p} for the second. Immutable.
 *
 * @param scores every class with its probability, in class order
 */
record ClassScores(List<Score> scores) {

    /**
     * One class and its probability.
     *
     * @param label the class label
     * @param probability its probability
     */
    record Score(String label, double probability) {
        /** {@code 7 (0.998)}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%.3f)", label, probability);
        }
    }

    /**
     * The scores of row {@code row} of a {@code [batch, classes]} output.
     *
     * @param labels class labels, or {@code null} to label classes by index
     */
    static ClassScores of(Tensor output, int row, List<String> labels) {
        if (output.shape().rank() != 2) {
            throw new IllegalArgumentException("Expected class probabilities [batch, classes], got shape " + output.shape());
        }
        int columns = (int) output.shape().dim(1);
        List<Score> scores = new ArrayList<>();
        if (columns == 1) {
            double p = output.getAsDouble(row);
            scores.add(new Score(label(labels, 0), 1 - p));
            scores.add(new Score(label(labels, 1), p));
        } else {
            for (int c = 0; c < columns; c++) {
                scores.add(new Score(label(labels, c), output.getAsDouble((long) row * columns + c)));
            }
        }
        return new ClassScores(List.copyOf(scores));
    }

    private static String label(List<String> labels, int index) {
        return labels != null && index < labels.size() ? labels.get(index) : Integer.toString(index);
    }

    /** The {@code k} most probable classes, most probable first. */
    List<Score> top(int k) {
        return scores.stream().sorted(Comparator.comparingDouble(Score::probability).reversed()).limit(k).toList();
    }

    /** The most probable class. */
    Score best() {
        return top(1).get(0);
    }
}
