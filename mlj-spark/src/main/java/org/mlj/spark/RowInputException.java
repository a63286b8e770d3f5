package org.mlj.spark;

import org.mlj.api.InvalidInputException;

/**
 * A DataFrame row whose value does not fit the model: it names the column, the row's position
 * (partition and index within it) and what was expected. It fails the Spark task, unless the
 * transformer writes null and an error column instead ({@code onBadRow = "null"}).
 */
public class RowInputException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** An error about the value of {@code column} in the row at this position. */
    public RowInputException(String column, int partition, long row, String problem) {
        super("Column '" + column + "', row " + row + " of partition " + partition + ": " + problem);
    }
}
