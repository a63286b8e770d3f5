package org.mlj.tensorflow;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.mlj.api.DType;
import org.mlj.api.MljException;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.RawTensor;
import org.tensorflow.internal.c_api.AbstractTF_Tensor;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Moves tensors between mlj {@link Tensor}s and TensorFlow native tensors, and maps dtypes.
 *
 * <p>Inputs: a fixed-size tensor in an aligned direct buffer ({@link Tensor#isDirect()}, as
 * {@link Tensor#direct()} makes it) is handed to TensorFlow in place: the native tensor points at the
 * buffer's memory ({@code TF_NewTensor} with a no-op deallocator), no byte is copied. TensorFlow never
 * writes into such memory (a buffer it does not own never counts as reusable for a kernel's output). Other tensors
 * (heap buffers, what the array factories make, and tensors over Java arrays) are copied into a new native
 * tensor in one bulk copy ({@link Tensor#copyTo}).
 * Outputs are copied once, from TensorFlow's memory into a fresh heap buffer (heap, not direct: the
 * collector recycles it warm, while fresh native memory per call costs page faults). Strings go
 * element by element as byte arrays. Stateless and thread-safe. The caller owns, and must close, every TensorFlow tensor
 * {@link #toTensorFlow} returns, and must keep the mlj tensor reachable until then; {@link #toMlj}
 * leaves the TensorFlow tensor open.
 */
final class TensorConversion {
    private static final Logger LOG = LoggerFactory.getLogger(TensorConversion.class);
    /**
     * TensorFlow Java's {@code RawTensor.fromHandle(TF_Tensor)}: it has no public way to make a tensor
     * over memory it did not allocate, so the wrapper is reached through its package; null (copy every
     * input) if a TensorFlow Java version lacks it.
     */
    private static final MethodHandle FROM_HANDLE = rawTensorFromHandle();

    private static final Map<DType, Class<? extends TType>> TYPES = Map.of(
            DType.FLOAT32, TFloat32.class,
            DType.FLOAT64, TFloat64.class,
            DType.INT32, TInt32.class,
            DType.INT64, TInt64.class,
            DType.BOOL, TBool.class,
            DType.UINT8, TUint8.class);
    private static final Map<DType, DataType> DATA_TYPES = Map.of(
            DType.FLOAT32, DataType.DT_FLOAT,
            DType.FLOAT64, DataType.DT_DOUBLE,
            DType.INT32, DataType.DT_INT32,
            DType.INT64, DataType.DT_INT64,
            DType.BOOL, DataType.DT_BOOL,
            DType.UINT8, DataType.DT_UINT8);

    private TensorConversion() {
    }

    /** The mlj dtype of a TensorFlow dtype, or empty for a dtype mlj does not carry (e.g. float16). */
    static Optional<DType> dtype(DataType type) {
        return Optional.ofNullable(switch (type) {
            case DT_FLOAT -> DType.FLOAT32;
            case DT_DOUBLE -> DType.FLOAT64;
            case DT_INT32 -> DType.INT32;
            case DT_INT64 -> DType.INT64;
            case DT_BOOL -> DType.BOOL;
            case DT_UINT8 -> DType.UINT8;
            case DT_STRING -> DType.STRING;
            default -> null;
        });
    }

    private static MethodHandle rawTensorFromHandle() {
        try {
            // JavaCPP's own natives (for BytePointer over a buffer) come with TensorFlow's.
            Loader.load(org.tensorflow.internal.c_api.global.tensorflow.class);
            return MethodHandles.privateLookupIn(RawTensor.class, MethodHandles.lookup())
                    .findStatic(RawTensor.class, "fromHandle", MethodType.methodType(RawTensor.class, TF_Tensor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("TensorFlow Java offers no RawTensor.fromHandle(TF_Tensor) here ({}); every input will be copied", e.toString());
            return null;
        }
    }

    /**
     * A native tensor with the elements of {@code tensor}: over its own memory when it is direct, else a
     * copy. The caller closes it, and keeps {@code tensor} reachable until then.
     */
    static org.tensorflow.Tensor toTensorFlow(Tensor tensor) {
        org.tensorflow.ndarray.Shape shape = org.tensorflow.ndarray.Shape.of(tensor.shape().dims());
        if (tensor.dtype() == DType.STRING) {
            return TString.tensorOfBytes(NdArrays.wrap(shape, DataBuffers.ofObjects(tensor.toByteStrings())));
        }
        if (FROM_HANDLE != null && tensor.isDirect() && tensor.size() > 0) {
            return inPlace(tensor);
        }
        org.tensorflow.Tensor result = org.tensorflow.Tensor.of(TYPES.get(tensor.dtype()), shape);
        if (tensor.size() > 0) {
            try {
                tensor.copyTo(nativeMemory(result));
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
        }
        return result;
    }

    private static org.tensorflow.Tensor inPlace(Tensor tensor) {
        TF_Tensor handle = AbstractTF_Tensor.newTensor(DATA_TYPES.get(tensor.dtype()).getNumber(), tensor.shape().dims(),
                new BytePointer(tensor.buffer()));
        if (handle == null) {
            throw new MljException("TensorFlow could not make a " + tensor.dtype() + " tensor of shape " + tensor.shape());
        }
        try {
            return (RawTensor) FROM_HANDLE.invokeExact(handle);
        } catch (Throwable e) {
            handle.close();
            throw new MljException("TensorFlow Java could not wrap a native tensor: " + e, e);
        }
    }

    /** A heap copy of a native tensor, which stays open. */
    static Tensor toMlj(org.tensorflow.Tensor tensor) {
        DType dtype = dtype(tensor.dataType()).orElseThrow(() -> new MljException(
                "TensorFlow returned a " + tensor.dataType() + " tensor; mlj carries float32, float64, int32, int64, bool, uint8 and string"));
        Shape shape = Shape.of(tensor.shape().asArray());
        if (dtype == DType.STRING) {
            byte[][] values = new byte[Math.toIntExact(shape.size())][];
            ((TString) tensor).asBytes().copyTo(DataBuffers.ofObjects(values));
            return Tensor.wrapStrings(shape, values);
        }
        ByteBuffer data = Tensor.allocate(dtype, shape.size());
        if (shape.size() > 0) {
            data.put(nativeMemory(tensor)).clear();
        }
        return Tensor.wrap(dtype, shape, data);
    }

    /** A direct buffer over the native memory of a fixed-size tensor, valid while the tensor is open. */
    private static ByteBuffer nativeMemory(org.tensorflow.Tensor tensor) {
        return tensor.asRawTensor().data().accept(new DataStorageVisitor<ByteBuffer>() {
            @Override
            public ByteBuffer visit(long address, long length, long scale) {
                return new NativeBytes(address, length).asByteBuffer().order(ByteOrder.nativeOrder());
            }

            @Override
            public ByteBuffer fallback() {
                throw new IllegalStateException("TensorFlow tensor memory is not native memory");
            }
        });
    }

    /** A JavaCPP view of native memory owned by someone else (it frees nothing). */
    private static final class NativeBytes extends BytePointer {
        NativeBytes(long address, long length) {
            this.address = address;
            this.capacity = length;
            this.limit = length;
        }
    }
}
