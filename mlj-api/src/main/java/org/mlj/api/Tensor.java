package org.mlj.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A dense tensor: a {@link DType}, a fully known {@link Shape} and the elements in row-major (C) order.
 *
 * <p>Fixed-size elements live in one {@link ByteBuffer} in native byte order: a heap buffer, which a
 * backend copies to native memory in one bulk operation per call, or a <em>direct</em> buffer aligned to
 * {@value #ALIGNMENT} bytes ({@link #direct()}, {@link #allocateDirect}), which a backend hands to native
 * code without copying it (mlj-tensorflow feeds it to TensorFlow as is): build inputs that are fed many
 * times as direct tensors. No element is ever touched through reflection. {@link DType#STRING} elements
 * are byte arrays (UTF-8 for text).
 *
 * <p>Build tensors from flat Java arrays plus a shape ({@link #ofFloats(float[], long...)}), from NIO
 * buffers ({@link #of(DType, Shape, ByteBuffer)}, {@link #ofFloats(FloatBuffer, long...)}) or from
 * {@code .npy} files ({@link org.mlj.api.npy.NpyFile}); these factories copy, so the caller may reuse its array.
 * {@link #wrap(float[], long...)} and its int, long and double siblings share the caller's array instead
 * (no copy: a backend copies the elements from the array straight into native memory, once per call),
 * for an array built for one call; {@link #wrap(DType, Shape, ByteBuffer)} adopts a buffer without copying.
 *
 * <p>Tensors are immutable and thread-safe, and there is nothing to close: a direct buffer's memory is
 * freed by the garbage collector with the buffer, as for any {@link ByteBuffer#allocateDirect} buffer.
 */
public final class Tensor {
    /**
     * The byte alignment of the buffers {@link #allocateDirect} returns: TensorFlow (Eigen) copies any input
     * whose memory is less aligned, and 64 bytes is a cache line and an AVX-512 register.
     */
    public static final int ALIGNMENT = 64;

    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final DType dtype;
    private final Shape shape;
    private final long size;
    /** The elements of a buffer-backed tensor; null for string tensors and array-backed ones. */
    private final ByteBuffer data;
    private final byte[][] strings;
    /** The caller's float[], double[], int[] or long[] of a {@code wrap(array)} tensor, else null. */
    private final Object array;
    /** The index in {@link #array} of this tensor's first element. */
    private final int offset;

    private Tensor(DType dtype, Shape shape, ByteBuffer data, byte[][] strings) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = shape.size();
        this.data = data;
        this.strings = strings;
        this.array = null;
        this.offset = 0;
    }

    private Tensor(DType dtype, Shape shape, Object array, int offset) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = shape.size();
        this.data = null;
        this.strings = null;
        this.array = array;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- factories from arrays

    /**
     * A float32 tensor; {@code data} is copied and must hold exactly shape-product elements. Without a
     * shape the tensor is one-dimensional; this holds for every array and buffer factory.
     */
    public static Tensor ofFloats(float[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.FLOAT32, data.length);
        bytes.asFloatBuffer().put(data);
        return new Tensor(DType.FLOAT32, s, bytes, null);
    }

    /** A float64 tensor; {@code data} is copied. */
    public static Tensor ofDoubles(double[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.FLOAT64, data.length);
        bytes.asDoubleBuffer().put(data);
        return new Tensor(DType.FLOAT64, s, bytes, null);
    }

    /** An int32 tensor; {@code data} is copied. */
    public static Tensor ofInts(int[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.INT32, data.length);
        bytes.asIntBuffer().put(data);
        return new Tensor(DType.INT32, s, bytes, null);
    }

    /** An int64 tensor; {@code data} is copied. */
    public static Tensor ofLongs(long[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.INT64, data.length);
        bytes.asLongBuffer().put(data);
        return new Tensor(DType.INT64, s, bytes, null);
    }

    /** A bool tensor; {@code data} is copied. */
    public static Tensor ofBooleans(boolean[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.BOOL, data.length);
        for (boolean value : data) {
            bytes.put(value ? (byte) 1 : (byte) 0);
        }
        bytes.clear();
        return new Tensor(DType.BOOL, s, bytes, null);
    }

    /** A uint8 tensor from raw bytes (Java's signed byte -1 is uint8 255); {@code data} is copied. */
    public static Tensor ofUint8(byte[] data, long... shape) {
        Shape s = concreteShape(shape, data.length);
        ByteBuffer bytes = allocate(DType.UINT8, data.length);
        bytes.put(data).clear();
        return new Tensor(DType.UINT8, s, bytes, null);
    }

    /** A string tensor; each value is encoded as UTF-8. */
    public static Tensor ofStrings(String[] values, long... shape) {
        Shape s = concreteShape(shape, values.length);
        byte[][] encoded = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            encoded[i] = Objects.requireNonNull(values[i], "string element " + i).getBytes(StandardCharsets.UTF_8);
        }
        return new Tensor(DType.STRING, s, null, encoded);
    }

    /** A string tensor of raw byte strings; the arrays are copied. */
    public static Tensor ofByteStrings(byte[][] values, long... shape) {
        Shape s = concreteShape(shape, values.length);
        byte[][] copy = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            copy[i] = Objects.requireNonNull(values[i], "string element " + i).clone();
        }
        return new Tensor(DType.STRING, s, null, copy);
    }

    /** A float32 scalar (rank 0). */
    public static Tensor scalar(float value) {
        return ofFloats(new float[] {value}).reshape();
    }

    /** A bool scalar (rank 0), e.g. for a {@code keras_learning_phase} input. */
    public static Tensor scalar(boolean value) {
        return ofBooleans(new boolean[] {value}).reshape();
    }

    // ---------------------------------------------------------------- factories from buffers

    // ---------------------------------------------------------------- factories sharing an array

    /**
     * A float32 tensor over {@code data} itself, not a copy: the cheapest way to feed an array built for
     * one call (a backend copies the elements straight from the array into native memory). The caller must
     * not change the array while the tensor, or anything derived from it without a copy
     * ({@link #reshape}, {@link #sliceView}), is in use: until {@code predict} returns when it is an input.
     * {@link #buffer()} of such a tensor is a copy. Without a shape the tensor is one-dimensional.
     */
    public static Tensor wrap(float[] data, long... shape) {
        return new Tensor(DType.FLOAT32, concreteShape(shape, data.length), data, 0);
    }

    /** A float64 tensor over {@code data} itself, not a copy (see {@link #wrap(float[], long...)}). */
    public static Tensor wrap(double[] data, long... shape) {
        return new Tensor(DType.FLOAT64, concreteShape(shape, data.length), data, 0);
    }

    /** An int32 tensor over {@code data} itself, not a copy (see {@link #wrap(float[], long...)}). */
    public static Tensor wrap(int[] data, long... shape) {
        return new Tensor(DType.INT32, concreteShape(shape, data.length), data, 0);
    }

    /** An int64 tensor over {@code data} itself, not a copy (see {@link #wrap(float[], long...)}). */
    public static Tensor wrap(long[] data, long... shape) {
        return new Tensor(DType.INT64, concreteShape(shape, data.length), data, 0);
    }

    // ---------------------------------------------------------------- factories from buffers

    /** A float32 tensor from the remaining elements of {@code data} (copied; its position is unchanged). */
    public static Tensor ofFloats(FloatBuffer data, long... shape) {
        Shape s = concreteShape(shape, data.remaining());
        ByteBuffer bytes = allocate(DType.FLOAT32, data.remaining());
        bytes.asFloatBuffer().put(data.duplicate());
        return new Tensor(DType.FLOAT32, s, bytes, null);
    }

    /** A float64 tensor from the remaining elements of {@code data} (copied). */
    public static Tensor ofDoubles(DoubleBuffer data, long... shape) {
        Shape s = concreteShape(shape, data.remaining());
        ByteBuffer bytes = allocate(DType.FLOAT64, data.remaining());
        bytes.asDoubleBuffer().put(data.duplicate());
        return new Tensor(DType.FLOAT64, s, bytes, null);
    }

    /** An int32 tensor from the remaining elements of {@code data} (copied). */
    public static Tensor ofInts(IntBuffer data, long... shape) {
        Shape s = concreteShape(shape, data.remaining());
        ByteBuffer bytes = allocate(DType.INT32, data.remaining());
        bytes.asIntBuffer().put(data.duplicate());
        return new Tensor(DType.INT32, s, bytes, null);
    }

    /** An int64 tensor from the remaining elements of {@code data} (copied). */
    public static Tensor ofLongs(LongBuffer data, long... shape) {
        Shape s = concreteShape(shape, data.remaining());
        ByteBuffer bytes = allocate(DType.INT64, data.remaining());
        bytes.asLongBuffer().put(data.duplicate());
        return new Tensor(DType.INT64, s, bytes, null);
    }

    /**
     * A tensor of a fixed-size dtype from the remaining bytes of {@code data}, in {@code data}'s byte
     * order (copied into native order; the buffer's position is unchanged).
     *
     * @throws IllegalArgumentException for {@link DType#STRING} or a byte count that does not match the shape
     */
    public static Tensor of(DType dtype, Shape shape, ByteBuffer data) {
        requireFixedSize(dtype);
        long expected = Math.multiplyExact(shape.size(), dtype.byteSize());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException("Buffer holds " + data.remaining() + " bytes, but a " + dtype
                    + " tensor of shape " + shape + " needs " + expected);
        }
        ByteBuffer copy = allocate(dtype, shape.size());
        ByteBuffer source = data.duplicate().order(data.order());
        if (source.order() == ORDER || dtype.byteSize() == 1) {
            copy.put(source);
        } else {
            copySwapped(dtype, source, copy);
        }
        copy.clear();
        return new Tensor(dtype, shape, copy, null);
    }

    /**
     * Adopts {@code data} (native byte order, position 0, exactly shape-product elements) without
     * copying. For backends and readers that fill a fresh buffer from {@link #allocate} or
     * {@link #allocateDirect}: the caller must not modify the buffer afterwards.
     *
     * @throws IllegalArgumentException if the buffer's order or size does not fit
     */
    public static Tensor wrap(DType dtype, Shape shape, ByteBuffer data) {
        requireFixedSize(dtype);
        if (data.order() != ORDER) {
            throw new IllegalArgumentException("Tensor.wrap needs a buffer in native byte order (" + ORDER + ")");
        }
        long expected = Math.multiplyExact(shape.size(), dtype.byteSize());
        if (data.position() != 0 || data.limit() != expected) {
            throw new IllegalArgumentException("Buffer holds " + data.remaining() + " bytes from position "
                    + data.position() + ", but a " + dtype + " tensor of shape " + shape + " needs " + expected
                    + " from position 0");
        }
        // A slice ends at the limit, so spare capacity behind it can never be read as elements.
        return new Tensor(dtype, shape, data.slice().order(ORDER), null);
    }

    /** Adopts {@code values} as the elements of a string tensor without copying; do not modify them afterwards. */
    public static Tensor wrapStrings(Shape shape, byte[][] values) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(values.length + " strings do not fill shape " + shape);
        }
        return new Tensor(DType.STRING, shape, null, values);
    }

    /** A fresh zeroed native-order heap buffer for {@code count} elements of {@code dtype}, for {@link #wrap}. */
    public static ByteBuffer allocate(DType dtype, long count) {
        return ByteBuffer.allocate(checkedBytes(dtype, count)).order(ORDER);
    }

    /**
     * A fresh zeroed buffer for {@code count} elements of {@code dtype}, for {@link #wrap}: direct, in
     * native byte order, its first byte aligned to {@value #ALIGNMENT} bytes, position 0 and limit the
     * byte count. A tensor over it is {@linkplain #isDirect() direct}: backends read it in place. Its
     * memory is freed when the garbage collector collects the buffer, so allocate direct buffers for
     * tensors that are built once and used for many calls, not afresh for every large call (fresh
     * native memory costs page faults that a heap buffer, which the collector recycles, does not).
     *
     * @throws IllegalArgumentException for {@link DType#STRING} or more than 2 GiB
     */
    public static ByteBuffer allocateDirect(DType dtype, long count) {
        int bytes = checkedBytes(dtype, count);
        // alignedSlice also rounds the end down to the alignment: a whole extra unit keeps room for the elements.
        int padded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT + ALIGNMENT;
        ByteBuffer aligned = ByteBuffer.allocateDirect(padded).alignedSlice(ALIGNMENT);
        return aligned.limit(bytes).slice().order(ORDER);
    }

    private static int checkedBytes(DType dtype, long count) {
        requireFixedSize(dtype);
        long bytes = Math.multiplyExact(count, dtype.byteSize());
        if (bytes > Integer.MAX_VALUE - 2 * ALIGNMENT) {
            throw new IllegalArgumentException("A tensor of " + count + " " + dtype + " elements (" + bytes
                    + " bytes) exceeds the 2 GiB limit of one buffer");
        }
        return (int) bytes;
    }

    /**
     * This tensor with its elements in aligned direct memory ({@link #allocateDirect}): itself if it
     * already is {@linkplain #isDirect() direct} or a string tensor, else a copy. Use it for an input
     * that is fed many times: backends then hand it to native code without copying it on each call.
     */
    public Tensor direct() {
        if (dtype == DType.STRING || isDirect()) {
            return this;
        }
        ByteBuffer copy = allocateDirect(dtype, size);
        copyTo(copy);
        return new Tensor(dtype, shape, copy.clear(), null);
    }

    /**
     * Whether the elements sit in an aligned direct buffer that native code may read in place (what
     * {@link #allocateDirect} returns and {@link #direct()} makes); false for the array and buffer
     * factories' heap copies, tensors over Java arrays, string tensors and unaligned buffers.
     */
    public boolean isDirect() {
        return data != null && data.isDirect() && data.alignmentOffset(0, ALIGNMENT) == 0;
    }

    // ---------------------------------------------------------------- metadata

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The (fully known) shape. */
    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    // ---------------------------------------------------------------- reading

    /**
     * A read-only view of the elements in native byte order, position 0; for a tensor over a Java array
     * ({@link #wrap(float[], long...)}) a read-only copy. Not available for {@link DType#STRING}.
     */
    public ByteBuffer buffer() {
        requireFixedSize(dtype);
        return bytes().asReadOnlyBuffer().order(ORDER);
    }

    /** Elements of a float32 tensor as a read-only buffer view (over the array itself for an array-backed tensor). */
    public FloatBuffer floatBuffer() {
        requireDType(DType.FLOAT32);
        return array != null ? FloatBuffer.wrap((float[]) array, offset, (int) size).slice().asReadOnlyBuffer()
                : buffer().asFloatBuffer();
    }

    /** Elements of an int32 tensor as a read-only buffer view (over the array itself for an array-backed tensor). */
    public IntBuffer intBuffer() {
        requireDType(DType.INT32);
        return array != null ? IntBuffer.wrap((int[]) array, offset, (int) size).slice().asReadOnlyBuffer()
                : buffer().asIntBuffer();
    }

    /**
     * Writes the elements into {@code target} from its position on, in native byte order, in one bulk
     * copy, and advances its position past them: how a backend fills native memory from any tensor.
     *
     * @throws IllegalArgumentException for {@link DType#STRING}
     * @throws java.nio.BufferOverflowException if {@code target} has fewer bytes remaining than the elements take
     */
    public void copyTo(ByteBuffer target) {
        requireFixedSize(dtype);
        int bytes = Math.toIntExact(size * dtype.byteSize());
        if (target.remaining() < bytes) {
            throw new java.nio.BufferOverflowException();
        }
        if (array == null) {
            target.put(data.duplicate().clear());
            return;
        }
        ByteBuffer out = target.duplicate().order(ORDER);
        int n = (int) size;
        switch (dtype) {
            case FLOAT32 -> out.asFloatBuffer().put((float[]) array, offset, n);
            case FLOAT64 -> out.asDoubleBuffer().put((double[]) array, offset, n);
            case INT32 -> out.asIntBuffer().put((int[]) array, offset, n);
            case INT64 -> out.asLongBuffer().put((long[]) array, offset, n);
            default -> throw new IllegalStateException("No array-backed " + dtype + " tensors");
        }
        target.position(target.position() + bytes);
    }

    /** The elements of a float32 tensor (a copy). */
    public float[] toFloatArray() {
        requireDType(DType.FLOAT32);
        if (array != null) {
            return Arrays.copyOfRange((float[]) array, offset, offset + (int) size);
        }
        float[] out = new float[(int) size];
        data.duplicate().order(ORDER).asFloatBuffer().get(out);
        return out;
    }

    /** The elements of a float64 tensor (a copy). */
    public double[] toDoubleArray() {
        requireDType(DType.FLOAT64);
        if (array != null) {
            return Arrays.copyOfRange((double[]) array, offset, offset + (int) size);
        }
        double[] out = new double[(int) size];
        data.duplicate().order(ORDER).asDoubleBuffer().get(out);
        return out;
    }

    /** The elements of an int32 tensor (a copy). */
    public int[] toIntArray() {
        requireDType(DType.INT32);
        if (array != null) {
            return Arrays.copyOfRange((int[]) array, offset, offset + (int) size);
        }
        int[] out = new int[(int) size];
        data.duplicate().order(ORDER).asIntBuffer().get(out);
        return out;
    }

    /** The elements of an int64 tensor (a copy). */
    public long[] toLongArray() {
        requireDType(DType.INT64);
        if (array != null) {
            return Arrays.copyOfRange((long[]) array, offset, offset + (int) size);
        }
        long[] out = new long[(int) size];
        data.duplicate().order(ORDER).asLongBuffer().get(out);
        return out;
    }

    /** The elements of a bool tensor (a copy). */
    public boolean[] toBooleanArray() {
        requireDType(DType.BOOL);
        boolean[] out = new boolean[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i) != 0;
        }
        return out;
    }

    /** The raw bytes of a uint8 or bool tensor (a copy; uint8 255 reads as Java byte -1). */
    public byte[] toByteArray() {
        if (dtype != DType.UINT8 && dtype != DType.BOOL) {
            throw wrongDType("uint8 or bool");
        }
        byte[] out = new byte[(int) size];
        data.duplicate().get(out);
        return out;
    }

    /** The elements of a string tensor decoded as UTF-8. */
    public String[] toStringArray() {
        requireDType(DType.STRING);
        String[] out = new String[strings.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = new String(strings[i], StandardCharsets.UTF_8);
        }
        return out;
    }

    /** The elements of a string tensor as byte strings (copies). */
    public byte[][] toByteStrings() {
        requireDType(DType.STRING);
        byte[][] out = new byte[strings.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = strings[i].clone();
        }
        return out;
    }

    /**
     * Every element widened to double, whatever the numeric dtype (bool reads as 0/1, uint8 as
     * 0..255). Convenient for comparisons and printing; not for {@link DType#STRING}.
     */
    public double[] toDoubles() {
        double[] out = new double[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = getAsDouble(i);
        }
        return out;
    }

    /** The element at flat (row-major) index {@code i}, widened to double. */
    public double getAsDouble(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("Index " + i + " outside tensor of " + size + " elements");
        }
        int index = (int) i;
        if (array != null) {
            return switch (dtype) {
                case FLOAT32 -> ((float[]) array)[offset + index];
                case FLOAT64 -> ((double[]) array)[offset + index];
                case INT32 -> ((int[]) array)[offset + index];
                case INT64 -> ((long[]) array)[offset + index];
                default -> throw new IllegalStateException("No array-backed " + dtype + " tensors");
            };
        }
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(index * 4);
            case FLOAT64 -> data.getDouble(index * 8);
            case INT32 -> data.getInt(index * 4);
            case INT64 -> data.getLong(index * 8);
            case BOOL -> data.get(index) != 0 ? 1 : 0;
            case UINT8 -> Byte.toUnsignedInt(data.get(index));
            case STRING -> throw wrongDType("a numeric dtype");
        };
    }

    // ---------------------------------------------------------------- derived tensors

    /**
     * The same elements with another shape of the same element count (shares the data; no copy).
     * No dimensions means a scalar.
     */
    public Tensor reshape(long... newShape) {
        Shape s = Shape.of(newShape);
        if (!s.isFullyKnown() || s.size() != size) {
            throw new IllegalArgumentException("Cannot reshape " + size + " elements of shape " + shape + " to " + s);
        }
        return array != null ? new Tensor(dtype, s, array, offset) : new Tensor(dtype, s, data, strings);
    }

    /**
     * Rows {@code [from, to)} along the first dimension, copied: e.g. one example of a batch.
     */
    public Tensor slice(long from, long to) {
        Tensor view = sliceView(from, to);
        if (dtype == DType.STRING) {
            return view; // the view's string array is already its own
        }
        ByteBuffer copy = allocate(dtype, view.size);
        view.copyTo(copy);
        return new Tensor(dtype, view.shape, copy.clear(), null);
    }

    /**
     * Rows {@code [from, to)} along the first dimension, sharing this tensor's elements (no copy): the
     * view keeps the whole tensor's memory alive, and a view of a {@linkplain #isDirect() direct}
     * tensor is direct when its first row falls on an {@value #ALIGNMENT}-byte boundary.
     */
    public Tensor sliceView(long from, long to) {
        long rows = shape.rank() == 0 ? 0 : shape.dim(0);
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("Rows [" + from + ", " + to + ") outside first dimension of " + shape);
        }
        long rowSize = rows == 0 ? 0 : size / rows;
        Shape out = shape.withFirstDim(to - from);
        if (dtype == DType.STRING) {
            return new Tensor(dtype, out, null, Arrays.copyOfRange(strings, (int) (from * rowSize), (int) (to * rowSize)));
        }
        if (array != null) {
            return new Tensor(dtype, out, array, Math.toIntExact(offset + from * rowSize));
        }
        int bytesPerRow = (int) (rowSize * dtype.byteSize());
        return new Tensor(dtype, out, data.slice((int) (from * bytesPerRow), (int) ((to - from) * bytesPerRow)).order(ORDER), null);
    }

    /**
     * The tensors joined along the first dimension, copied into a new heap tensor: the inverse of
     * slicing a batch into parts.
     *
     * @throws IllegalArgumentException if there are no parts, or they differ in dtype, rank or any dimension but the first
     */
    public static Tensor concat(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("Tensor.concat needs at least one tensor");
        }
        Tensor head = parts.get(0);
        if (head.shape.rank() == 0) {
            throw new IllegalArgumentException("Tensor.concat joins along the first dimension; a scalar has none");
        }
        long rows = 0;
        for (Tensor part : parts) {
            if (part.dtype != head.dtype || part.shape.rank() != head.shape.rank()
                    || !part.shape.withFirstDim(0).equals(head.shape.withFirstDim(0))) {
                throw new IllegalArgumentException("Tensor.concat needs parts that differ only in their first dimension; got "
                        + head.dtype + " " + head.shape + " and " + part.dtype + " " + part.shape);
            }
            rows += part.shape.dim(0);
        }
        Shape shape = head.shape.withFirstDim(rows);
        if (head.dtype == DType.STRING) {
            byte[][] values = new byte[Math.toIntExact(shape.size())][];
            int at = 0;
            for (Tensor part : parts) {
                System.arraycopy(part.strings, 0, values, at, part.strings.length);
                at += part.strings.length;
            }
            return new Tensor(DType.STRING, shape, null, values);
        }
        ByteBuffer joined = allocate(head.dtype, shape.size());
        for (Tensor part : parts) {
            part.copyTo(joined);
        }
        return new Tensor(head.dtype, shape, joined.clear(), null);
    }

    /** Whether both tensors have the same dtype, shape and elements (bitwise for floats). */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Tensor that)) {
            return false;
        }
        if (dtype != that.dtype || !shape.equals(that.shape)) {
            return false;
        }
        return dtype == DType.STRING ? Arrays.deepEquals(strings, that.strings)
                : bytes().duplicate().clear().equals(that.bytes().duplicate().clear());
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, shape, size);
    }

    /** {@code Tensor(float32, [1, 10])}, with the first few elements. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Tensor(").append(dtype).append(", ").append(shape).append(": ");
        int shown = (int) Math.min(size, 6);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(dtype == DType.STRING ? '"' + new String(strings[i], StandardCharsets.UTF_8) + '"'
                    : formatElement(i));
        }
        if (size > shown) {
            text.append(", ...");
        }
        return text.append(')').toString();
    }

    private String formatElement(int i) {
        double value = getAsDouble(i);
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64 ? Double.toString(value) : Long.toString((long) value);
    }

    // ---------------------------------------------------------------- internals

    /** The elements as a native-order byte buffer: the tensor's own, or a fresh heap copy of its array. */
    private ByteBuffer bytes() {
        if (array == null) {
            return data;
        }
        ByteBuffer copy = allocate(dtype, size);
        copyTo(copy);
        return copy.clear();
    }

    private static Shape concreteShape(long[] dims, long elements) {
        Shape shape = dims.length == 0 ? Shape.of(elements) : Shape.of(dims);
        if (!shape.isFullyKnown()) {
            throw new IllegalArgumentException("A tensor needs a fully known shape, got " + shape);
        }
        if (shape.size() != elements) {
            throw new IllegalArgumentException(elements + " elements do not fill shape " + shape + " ("
                    + shape.size() + " elements)");
        }
        return shape;
    }

    private static void requireFixedSize(DType dtype) {
        if (!dtype.isFixedSize()) {
            throw new IllegalArgumentException("A string tensor has no byte buffer; use ofStrings/toStringArray");
        }
    }

    private void requireDType(DType expected) {
        if (dtype != expected) {
            throw wrongDType(expected.toString());
        }
    }

    private IllegalStateException wrongDType(String expected) {
        return new IllegalStateException("Tensor has dtype " + dtype + ", not " + expected);
    }

    private static void copySwapped(DType dtype, ByteBuffer source, ByteBuffer target) {
        while (source.hasRemaining()) {
            switch (dtype.byteSize()) {
                case 4 -> target.putInt(source.getInt());
                case 8 -> target.putLong(source.getLong());
                default -> throw new IllegalStateException("Unexpected element size " + dtype.byteSize());
            }
        }
    }
}
