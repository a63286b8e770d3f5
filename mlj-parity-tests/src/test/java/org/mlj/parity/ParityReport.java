package org.mlj.parity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The parity table: one row per compared tensor, written to {@code target/parity-report.md} and
 * printed to the build log so a CI run shows the numbers, not only green. Thread-safe.
 */
final class ParityReport {

    /** One comparison. {@code status} is PASS, FAIL or a short note (e.g. "unsupported: ..."). */
    record Row(String model, String backend, String batch, String tensor, double maxAbs, double maxRel,
               String classes, String tolerance, String status) {
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    synchronized String toMarkdown() {
        StringBuilder out = new StringBuilder("# mlj parity report\n\n")
                .append("Every output and layer of every committed bundle, per backend, against the Python reference ")
                .append("(and the backends against each other). Max rel diff divides by max(|reference|, 1e-6).\n\n")
                .append("| model | backend | batch | output or layer | max abs diff | max rel diff | class agreement | tolerance | result |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::model).thenComparing(Row::backend).thenComparing(Row::batch));
        for (Row row : sorted) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", row.model(), row.backend(),
                    row.batch(), row.tensor(), number(row.maxAbs()), number(row.maxRel()), row.classes(), row.tolerance(),
                    row.status()));
        }
        long failed = sorted.stream().filter(r -> r.status().equals("FAIL")).count();
        out.append(String.format(Locale.ROOT, "%n%d comparisons, %d failed.%n", sorted.size(), failed));
        return out.toString();
    }

    void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, toMarkdown());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write parity report " + file, e);
        }
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2e", value);
    }
}
