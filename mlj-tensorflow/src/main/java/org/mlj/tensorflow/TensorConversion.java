package org.mlj.tensorflow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.mlj.api.DType;
import org.mlj.api.MljException;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
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
 * Copies tensors between mlj heap {@link Tensor}s and TensorFlow native tensors, and maps dtypes.
 *
 * <p>Fixed-size dtypes move in one bulk memory copy each way (both sides hold the elements in
 * native byte order, bool and uint8 as one byte each); strings go element by element as byte
 * arrays. Stateless and thread-safe. The caller owns, and must close, every TensorFlow tensor
 * {@link #toTensorFlow} returns; {@link #toMlj} leaves the TensorFlow tensor open.
 */
final class TensorConversion {
    private static final Map<DType, Class<? extends TType>> TYPES = Map.of(
            DType.FLOAT32, TFloat32.class,
            DType.FLOAT64, TFloat64.class,
            DType.INT32, TInt32.class,
            DType.INT64, TInt64.class,
            DType.BOOL, TBool.class,
            DType.UINT8, TUint8.class);

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

    /** A new native tensor holding a copy of {@code tensor}; the caller closes it. */
    static org.tensorflow.Tensor toTensorFlow(Tensor tensor) {
        org.tensorflow.ndarray.Shape shape = org.tensorflow.ndarray.Shape.of(tensor.shape().dims());
        if (tensor.dtype() == DType.STRING) {
            return TString.tensorOfBytes(NdArrays.wrap(shape, DataBuffers.ofObjects(tensor.toByteStrings())));
        }
        org.tensorflow.Tensor result = org.tensorflow.Tensor.of(TYPES.get(tensor.dtype()), shape);
        if (tensor.size() > 0) {
            try {
                nativeMemory(result).put(tensor.buffer());
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
        }
        return result;
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
        tensor.asRawTensor().data().read(data.array());
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
