package org.mlj.serving.oip;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.mlj.api.DType;
import org.mlj.serving.ServingException;

/** The Open Inference Protocol's tensor datatypes that mlj carries, and their mlj dtypes. Immutable. */
public enum OipDatatype {
    BOOL(DType.BOOL), UINT8(DType.UINT8), INT32(DType.INT32), INT64(DType.INT64), FP32(DType.FLOAT32), FP64(DType.FLOAT64),
    BYTES(DType.STRING);

    private final DType dtype;

    OipDatatype(DType dtype) {
        this.dtype = dtype;
    }

    /** The mlj dtype. */
    public DType dtype() {
        return dtype;
    }

    /** The datatype of an mlj dtype. */
    public static OipDatatype of(DType dtype) {
        for (OipDatatype type : values()) {
            if (type.dtype == dtype) {
                return type;
            }
        }
        throw new IllegalArgumentException("No OIP datatype for " + dtype);
    }

    /**
     * Parses a datatype name.
     *
     * @throws ServingException 400 naming the supported datatypes
     */
    public static OipDatatype parse(String name) {
        for (OipDatatype type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw ServingException.invalid("Unsupported datatype '" + name + "'; mlj serves "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
