package org.mlj.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows of text printed in left-aligned columns, each as wide as its widest cell. Not thread-safe. */
final class TextTable {
    private final List<List<String>> rows = new ArrayList<>();

    /** Adds a row; {@code null} cells print empty. */
    TextTable row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    /** Prints the rows, each line starting with {@code indent}, columns two spaces apart. */
    void print(PrintWriter out, String indent) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                if (c == widths.size()) {
                    widths.add(0);
                }
                widths.set(c, Math.max(widths.get(c), row.get(c).length()));
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int c = 0; c < row.size(); c++) {
                line.append(row.get(c));
                if (c < row.size() - 1) {
                    line.append(" ".repeat(widths.get(c) - row.get(c).length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
