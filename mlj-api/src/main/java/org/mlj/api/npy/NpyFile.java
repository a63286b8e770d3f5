package org.mlj.api.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlj.api.Tensor;
import org.mlj.api.Shape;
import org.mlj.api.DType;
import org.mlj.api.InputLimits;
import org.mlj.api.InvalidInputException;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) as {@link Tensor}s,
 * the way {@code saved_model_cli run --inputs} and the Python reference outputs exchange arrays.
 *
 * <p>Supported element types: {@code f4 f8 i4 i8 u1 b1} in either byte order, and strings
 * ({@code U} and {@code S}) read as {@link DType#STRING}. Arrays must be C-ordered; object arrays and
 * Fortran order are rejected with an explanation. Writing uses format 1.0 (2.0 when the header needs
 * it) in native byte order; strings are written as {@code <U}. A header whose shape claims more
 * elements than {@link InputLimits#DEFAULT} allows per tensor, or more bytes than the file holds, is
 * refused before anything is allocated. Stateless and thread-safe.
 */
public final class NpyFile {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The widest string element read, in characters. */
    private static final int MAX_STRING_WIDTH = 1 << 24;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFile() {
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @throws IOException if the file cannot be read, is not a {@code .npy} file, or holds an
     *     unsupported dtype or layout (the message names the file and the problem)
     */
    public static Tensor read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the bytes of a {@code .npy} file, e.g. one received over the network.
     *
     * @throws IllegalArgumentException if the bytes are not a .npy file mlj reads (the message says why)
     */
    public static Tensor parse(byte[] bytes) {
        if (bytes.length < 10 || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a .npy file (the \\x93NUMPY magic is missing)");
        }
        int major = bytes[6];
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(in.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException("truncated .npy header");
            }
            headerLength = in.getInt(8);
            headerStart = 12;
        } else {
            throw new IllegalArgumentException("unsupported .npy format version " + major + "." + bytes[7]);
        }
        if (headerLength < 0 || headerLength > bytes.length - headerStart) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        String header = new String(bytes, headerStart, headerLength, charset);
        String descr = group(DESCR, header, "descr");
        if ("True".equals(group(FORTRAN, header, "fortran_order"))) {
            throw new IllegalArgumentException("Fortran-ordered arrays are not supported; save with np.ascontiguousarray(x)");
        }
        Shape shape = parseShape(group(SHAPE, header, "shape"));
        int dataStart = headerStart + headerLength;
        return decode(descr, shape, ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice());
    }

    private static Tensor decode(String descr, Shape shape, ByteBuffer data) {
        if (descr.length() < 3) {
            throw new IllegalArgumentException("unsupported dtype '" + descr + "'");
        }
        char order = descr.charAt(0);
        char kind = descr.charAt(1);
        int width;
        try {
            width = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unsupported dtype '" + descr + "'");
        }
        ByteOrder byteOrder = order == '>' ? ByteOrder.BIG_ENDIAN : order == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
        if (kind == 'U' || kind == 'S') {
            if (width < 1 || width > MAX_STRING_WIDTH) {
                throw new IllegalArgumentException("unsupported string dtype '" + descr + "' (width " + width + ")");
            }
            return decodeStrings(kind, width, byteOrder, shape, data);
        }
        DType dtype = switch (kind + Integer.toString(width)) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            case "u1" -> DType.UINT8;
            case "b1" -> DType.BOOL;
            default -> throw new IllegalArgumentException("unsupported dtype '" + descr + "'; mlj reads float32 (<f4), "
                    + "float64 (<f8), int32 (<i4), int64 (<i8), uint8 (|u1), bool (|b1) and strings (<U, |S)");
        };
        long needed = checkedBytes(shape, width, dtype.toString(), data);
        data.limit((int) needed);
        return Tensor.of(dtype, shape, data.order(byteOrder));
    }

    private static Tensor decodeStrings(char kind, int width, ByteOrder order, Shape shape, ByteBuffer data) {
        int elementBytes = kind == 'U' ? 4 * width : width;
        long count = checkedBytes(shape, elementBytes, "strings", data) / elementBytes;
        byte[][] values = new byte[(int) count][];
        data.order(order);
        for (int i = 0; i < count; i++) {
            int start = data.position() + i * elementBytes;
            if (kind == 'S') {
                int length = width;
                while (length > 0 && data.get(start + length - 1) == 0) {
                    length--;
                }
                values[i] = new byte[length];
                data.duplicate().position(start).get(values[i]);
            } else {
                StringBuilder text = new StringBuilder();
                for (int c = 0; c < width; c++) {
                    int codePoint = data.getInt(start + c * 4);
                    if (codePoint == 0) {
                        break;
                    }
                    text.appendCodePoint(codePoint);
                }
                values[i] = text.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        return Tensor.wrapStrings(shape, values);
    }

    /**
     * Writes a tensor as a {@code .npy} file, replacing an existing one.
     *
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        String descr;
        ByteBuffer payload;
        if (tensor.dtype() == DType.STRING) {
            String[] values = tensor.toStringArray();
            int width = 1;
            for (String value : values) {
                width = Math.max(width, value.codePointCount(0, value.length()));
            }
            descr = "<U" + width;
            payload = ByteBuffer.allocate(values.length * width * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                payload.position(i * width * 4);
                values[i].codePoints().forEach(payload::putInt);
            }
            payload.clear();
        } else {
            descr = (tensor.dtype().byteSize() == 1 ? "|" : little ? "<" : ">") + switch (tensor.dtype()) {
                case FLOAT32 -> "f4";
                case FLOAT64 -> "f8";
                case INT32 -> "i4";
                case INT64 -> "i8";
                case UINT8 -> "u1";
                case BOOL -> "b1";
                case STRING -> throw new IllegalStateException("unreachable");
            };
            payload = tensor.buffer();
        }
        byte[] header = header(descr, tensor.shape());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.wrap(header);
            while (head.hasRemaining()) {
                channel.write(head);
            }
            while (payload.hasRemaining()) {
                channel.write(payload);
            }
        }
    }

    private static byte[] header(String descr, Shape shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.rank(); i++) {
            dims.append(shape.dim(i)).append(i == 0 && shape.rank() == 1 ? "," : i < shape.rank() - 1 ? ", " : "");
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        boolean v2 = dict.length() + 11 > 65535;
        int prefix = v2 ? 12 : 10;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            out.putInt(padded.length());
        } else {
            out.putShort((short) padded.length());
        }
        out.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return out.array();
    }

    private static String group(Pattern pattern, String header, String key) {
        Matcher matcher = pattern.matcher(header);
        if (!matcher.find()) {
            throw new IllegalArgumentException("malformed .npy header (no '" + key + "'): " + header.trim());
        }
        return matcher.group(1);
    }

    /**
     * The bytes a header's shape needs, checked before anything is allocated: no negative dimension,
     * at most {@link InputLimits#DEFAULT}'s elements per tensor, and no more bytes than the file holds.
     */
    private static long checkedBytes(Shape shape, int elementBytes, String what, ByteBuffer data) {
        long count;
        try {
            count = InputLimits.DEFAULT.checkTensor(".npy array", shape);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (count > data.remaining() / elementBytes) {
            String needed = count > Long.MAX_VALUE / elementBytes ? "more than " + Long.MAX_VALUE : Long.toString(count * elementBytes);
            throw new IllegalArgumentException("truncated data: shape " + shape + " of " + what + " needs " + needed
                    + " bytes, the file has " + data.remaining());
        }
        return count * elementBytes;
    }

    private static Shape parseShape(String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                long dim;
                try {
                    dim = Long.parseLong(trimmed.endsWith("L") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("malformed shape (" + text + ") in .npy header");
                }
                if (dim < 0) {
                    throw new IllegalArgumentException("negative dimension in shape (" + text + ") in .npy header");
                }
                dims.add(dim);
            }
        }
        return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
    }
}
