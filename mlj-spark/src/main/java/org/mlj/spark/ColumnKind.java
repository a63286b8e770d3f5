package org.mlj.spark;

import java.util.Locale;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The DataFrame column types that can feed a model input, and how each is read. */
enum ColumnKind {
    /** {@code array<float>}: one example's values, flattened row-major. */
    FLOAT_ARRAY("array<float>"),
    /** {@code array<double>}. */
    DOUBLE_ARRAY("array<double>"),
    /** {@code array<int>}. */
    INT_ARRAY("array<int>"),
    /** {@code array<bigint>}. */
    LONG_ARRAY("array<bigint>"),
    /** A Spark ML {@code Vector}, dense or sparse. */
    VECTOR("vector"),
    /** {@code string}: text, tokenized with the bundle's tokenizer. */
    TEXT("string"),
    /** {@code binary}: an image file (PNG, JPEG, GIF, BMP), prepared as {@code ./mlj digits} does. */
    IMAGE("binary");

    private final String sqlName;

    ColumnKind(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The kind of a column of this type, or {@code null} when no model input can take it. */
    static ColumnKind of(DataType type) {
        if (type instanceof ArrayType array) {
            DataType element = array.elementType();
            if (element.equals(DataTypes.FloatType)) {
                return FLOAT_ARRAY;
            }
            if (element.equals(DataTypes.DoubleType)) {
                return DOUBLE_ARRAY;
            }
            if (element.equals(DataTypes.IntegerType)) {
                return INT_ARRAY;
            }
            if (element.equals(DataTypes.LongType)) {
                return LONG_ARRAY;
            }
            return null;
        }
        if (type.equals(SQLDataTypes.VectorType())) {
            return VECTOR;
        }
        if (type.equals(DataTypes.StringType)) {
            return TEXT;
        }
        if (type.equals(DataTypes.BinaryType)) {
            return IMAGE;
        }
        return null;
    }

    /** The accepted column types, for error messages. */
    static String accepted() {
        StringBuilder text = new StringBuilder();
        for (ColumnKind kind : values()) {
            text.append(text.length() == 0 ? "" : ", ").append(kind.sqlName);
        }
        return text.toString();
    }

    boolean numeric() {
        return this != TEXT && this != IMAGE;
    }

    @Override
    public String toString() {
        return sqlName.toLowerCase(Locale.ROOT);
    }
}
