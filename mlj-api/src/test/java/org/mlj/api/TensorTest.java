package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void float32RoundTripKeepsShapeAndValues() {
        float[] data = {1.5f, -2f, Float.MAX_VALUE, Float.MIN_VALUE, 0f, Float.NaN};
        Tensor tensor = Tensor.ofFloats(data, 2, 3);
        assertThat(tensor.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(tensor.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(tensor.size()).isEqualTo(6);
        assertThat(tensor.toFloatArray()).containsExactly(data);
        data[0] = 99f;
        assertThat(tensor.toFloatArray()[0]).as("factory copies the array").isEqualTo(1.5f);
    }

    @Test
    void everyDtypeRoundTripsFromArrays() {
        assertThat(Tensor.ofDoubles(new double[] {1e300, -0.5}, 2).toDoubleArray()).containsExactly(1e300, -0.5);
        assertThat(Tensor.ofInts(new int[] {Integer.MIN_VALUE, 7}, 1, 2).toIntArray()).containsExactly(Integer.MIN_VALUE, 7);
        assertThat(Tensor.ofLongs(new long[] {Long.MAX_VALUE, -1}, 2).toLongArray()).containsExactly(Long.MAX_VALUE, -1);
        assertThat(Tensor.ofBooleans(new boolean[] {true, false, true}, 3).toBooleanArray()).containsExactly(true, false, true);
        Tensor uint8 = Tensor.ofUint8(new byte[] {0, (byte) 255, 7}, 3);
        assertThat(uint8.toByteArray()).containsExactly(0, -1, 7);
        assertThat(uint8.toDoubles()).containsExactly(0, 255, 7);
        Tensor strings = Tensor.ofStrings(new String[] {"ä", "", "x y"}, 3);
        assertThat(strings.dtype()).isEqualTo(DType.STRING);
        assertThat(strings.toStringArray()).containsExactly("ä", "", "x y");
        assertThat(strings.toByteStrings()[0]).containsExactly(0xC3, 0xA4);
    }

    @Test
    void everyDtypeRoundTripsFromBuffers() {
        FloatBuffer floats = FloatBuffer.wrap(new float[] {9f, 1f, 2f});
        floats.position(1);
        assertThat(Tensor.ofFloats(floats, 2).toFloatArray()).containsExactly(1f, 2f);
        assertThat(floats.position()).as("source position untouched").isEqualTo(1);
        assertThat(Tensor.ofDoubles(DoubleBuffer.wrap(new double[] {3, 4}), 1, 2).toDoubleArray()).containsExactly(3, 4);
        assertThat(Tensor.ofInts(IntBuffer.wrap(new int[] {5, 6}), 2).toIntArray()).containsExactly(5, 6);
        assertThat(Tensor.ofLongs(LongBuffer.wrap(new long[] {7, 8}), 2).toLongArray()).containsExactly(7, 8);
    }

    @Test
    void byteBufferInEitherByteOrderIsReadCorrectly() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer bytes = ByteBuffer.allocate(8).order(order);
            bytes.putFloat(1.25f).putFloat(-3f).flip();
            Tensor tensor = Tensor.of(DType.FLOAT32, Shape.of(2), bytes);
            assertThat(tensor.toFloatArray()).as(order.toString()).containsExactly(1.25f, -3f);
            ByteBuffer longs = ByteBuffer.allocate(8).order(order).putLong(0, 123456789012L);
            assertThat(Tensor.of(DType.INT64, Shape.of(1), longs).toLongArray()).containsExactly(123456789012L);
        }
    }

    @Test
    void byteBufferOfWrongSizeIsRejected() {
        assertThatThrownBy(() -> Tensor.of(DType.FLOAT32, Shape.of(3), ByteBuffer.allocate(8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Buffer holds 8 bytes, but a float32 tensor of shape [3] needs 12");
    }

    @Test
    void wrapAdoptsBufferWithoutCopying() {
        ByteBuffer buffer = Tensor.allocate(DType.INT32, 2);
        buffer.putInt(0, 41);
        Tensor tensor = Tensor.wrap(DType.INT32, Shape.of(2), buffer);
        buffer.putInt(0, 42);
        assertThat(tensor.toIntArray()).containsExactly(42, 0);
        assertThatThrownBy(() -> Tensor.wrap(DType.INT32, Shape.of(3), Tensor.allocate(DType.INT32, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 12");
        ByteOrder foreign = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        assertThatThrownBy(() -> Tensor.wrap(DType.INT32, Shape.of(2), ByteBuffer.allocate(8).order(foreign)))
                .hasMessageContaining("native byte order");
    }

    @Test
    void directBuffersAreAlignedAndExactlySized() {
        for (long count : new long[] {0, 1, 3, 16, 17, 1000}) {
            ByteBuffer buffer = Tensor.allocateDirect(DType.FLOAT32, count);
            assertThat(buffer.isDirect()).isTrue();
            assertThat(buffer.alignmentOffset(0, Tensor.ALIGNMENT)).isZero();
            assertThat(buffer.position()).isZero();
            assertThat(buffer.limit()).isEqualTo(buffer.capacity()).isEqualTo(count * 4);
            assertThat(buffer.order()).isEqualTo(ByteOrder.nativeOrder());
        }
        assertThat(Tensor.wrap(DType.INT32, Shape.of(2), Tensor.allocateDirect(DType.INT32, 2)).isDirect()).isTrue();
        assertThat(Tensor.allocate(DType.INT32, 2).isDirect()).isFalse();
    }

    @Test
    void directCopiesKeepEverythingButWhereTheElementsLive() {
        Tensor heap = Tensor.ofFloats(new float[] {1f, -2f, 3f, 4f}, 2, 2);
        assertThat(heap.isDirect()).isFalse();
        Tensor direct = heap.direct();
        assertThat(direct.isDirect()).isTrue();
        assertThat(direct).isEqualTo(heap);
        assertThat(direct.toFloatArray()).containsExactly(1f, -2f, 3f, 4f);
        assertThat(direct.direct()).isSameAs(direct);
        assertThat(direct.reshape(4).isDirect()).isTrue();
        assertThat(direct.slice(1, 2).isDirect()).isFalse();
        Tensor strings = Tensor.ofStrings(new String[] {"a"});
        assertThat(strings.direct()).isSameAs(strings);
        assertThat(strings.isDirect()).isFalse();
    }

    @Test
    void bufferViewIsReadOnlyAndNativeOrder() {
        Tensor tensor = Tensor.ofFloats(new float[] {1f, 2f}, 2);
        ByteBuffer view = tensor.buffer();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.order()).isEqualTo(ByteOrder.nativeOrder());
        assertThat(view.getFloat(4)).isEqualTo(2f);
        assertThat(tensor.floatBuffer().get(1)).isEqualTo(2f);
    }

    @Test
    void shapeMustMatchElementCount() {
        assertThatThrownBy(() -> Tensor.ofFloats(new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("5 elements do not fill shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> Tensor.ofFloats(new float[6], -1, 3))
                .hasMessage("A tensor needs a fully known shape, got [?, 3]");
        assertThat(Tensor.ofFloats(new float[4]).shape()).as("no shape means 1-D").isEqualTo(Shape.of(4));
    }

    @Test
    void readingWithTheWrongDtypeFails() {
        Tensor ints = Tensor.ofInts(new int[] {1}, 1);
        assertThatThrownBy(ints::toFloatArray).isInstanceOf(IllegalStateException.class)
                .hasMessage("Tensor has dtype int32, not float32");
        assertThatThrownBy(ints::toStringArray).hasMessage("Tensor has dtype int32, not string");
        assertThatThrownBy(Tensor.ofStrings(new String[] {"a"}, 1)::buffer).hasMessageContaining("no byte buffer");
    }

    @Test
    void scalarsHaveRankZero() {
        Tensor flag = Tensor.scalar(false);
        assertThat(flag.shape()).isEqualTo(Shape.scalar());
        assertThat(flag.size()).isEqualTo(1);
        assertThat(flag.toBooleanArray()).containsExactly(false);
        assertThat(Tensor.scalar(2.5f).getAsDouble(0)).isEqualTo(2.5);
    }

    @Test
    void sliceCopiesRowsAlongTheFirstDimension() {
        Tensor batch = Tensor.ofFloats(new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
        Tensor middle = batch.slice(1, 2);
        assertThat(middle.shape()).isEqualTo(Shape.of(1, 2));
        assertThat(middle.toFloatArray()).containsExactly(2, 3);
        Tensor names = Tensor.ofStrings(new String[] {"a", "b", "c"}, 3).slice(2, 3);
        assertThat(names.toStringArray()).containsExactly("c");
        assertThatThrownBy(() -> batch.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void reshapeKeepsElements() {
        Tensor tensor = Tensor.ofInts(new int[] {1, 2, 3, 4}, 4).reshape(2, 2);
        assertThat(tensor.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(tensor.toIntArray()).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> tensor.reshape(3)).hasMessage("Cannot reshape 4 elements of shape [2, 2] to [3]");
    }

    @Test
    void equalityComparesDtypeShapeAndBytes() {
        assertThat(Tensor.ofFloats(new float[] {1, 2}, 2)).isEqualTo(Tensor.ofFloats(new float[] {1, 2}, 2));
        assertThat(Tensor.ofFloats(new float[] {1, 2}, 2)).isNotEqualTo(Tensor.ofFloats(new float[] {1, 2}, 1, 2));
        assertThat(Tensor.ofFloats(new float[] {1, 2}, 2)).isNotEqualTo(Tensor.ofInts(new int[] {1, 2}, 2));
        assertThat(Tensor.ofStrings(new String[] {"a"}, 1)).isEqualTo(Tensor.ofStrings(new String[] {"a"}, 1));
    }

    @Test
    void toStringShowsDtypeShapeAndFirstElements() {
        assertThat(Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6, 7}, 7).toString())
                .isEqualTo("Tensor(int32, [7]: 1, 2, 3, 4, 5, 6, ...)");
    }

    @Test
    void sliceViewSharesRowsAndKeepsDirectMemoryDirectOnAlignedRows() {
        Tensor batch = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4);
        Tensor second = batch.sliceView(1, 2);
        assertThat(second.shape()).isEqualTo(Shape.of(1, 4));
        assertThat(second.toFloatArray()).containsExactly(5, 6, 7, 8);
        Tensor direct = Tensor.ofFloats(new float[32 * 2], 2, 32).direct();
        assertThat(direct.sliceView(1, 2).isDirect()).as("row 1 starts 128 bytes in").isTrue();
        assertThat(Tensor.ofFloats(new float[6], 2, 3).direct().sliceView(1, 2).isDirect()).as("row 1 starts 12 bytes in").isFalse();
        assertThat(Tensor.ofStrings(new String[] {"a", "b", "c"}, 3).sliceView(1, 3).toStringArray()).containsExactly("b", "c");
        assertThatThrownBy(() -> batch.sliceView(1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void concatJoinsAlongTheFirstDimension() {
        Tensor batch = Tensor.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertThat(Tensor.concat(List.of(batch.sliceView(0, 1), batch.slice(1, 3)))).isEqualTo(batch);
        Tensor words = Tensor.ofStrings(new String[] {"a", "b", "c"}, 3);
        assertThat(Tensor.concat(List.of(words.slice(0, 2), words.sliceView(2, 3)))).isEqualTo(words);
        assertThatThrownBy(() -> Tensor.concat(List.of(batch, Tensor.ofInts(new int[3], 1, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ only in their first dimension");
        assertThatThrownBy(() -> Tensor.concat(List.of(batch, Tensor.ofFloats(new float[2], 1, 2))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tensor.concat(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Tensor.concat(List.of(Tensor.scalar(1f)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrapSharesTheCallersArrayAndReadsLikeACopy() {
        float[] pixels = {1, 2, 3, 4, 5, 6};
        Tensor wrapped = Tensor.wrap(pixels, 3, 2);
        Tensor copied = Tensor.ofFloats(pixels, 3, 2);
        assertThat(wrapped).isEqualTo(copied);
        assertThat(wrapped.isDirect()).isFalse();
        assertThat(wrapped.getAsDouble(5)).isEqualTo(6.0);
        assertThat(wrapped.toString()).isEqualTo(copied.toString());
        assertThat(wrapped.buffer().asFloatBuffer().get(4)).isEqualTo(5f);
        assertThat(wrapped.floatBuffer().get(4)).isEqualTo(5f);
        assertThat(wrapped.floatBuffer().isReadOnly()).isTrue();
        pixels[0] = 9;
        assertThat(wrapped.getAsDouble(0)).as("no copy").isEqualTo(9.0);
        assertThat(copied.getAsDouble(0)).as("ofFloats copies").isEqualTo(1.0);
        assertThat(wrapped.toFloatArray()).containsExactly(9, 2, 3, 4, 5, 6);
        assertThat(wrapped.toFloatArray()).isNotSameAs(pixels);
        assertThatThrownBy(() -> Tensor.wrap(new float[5], 3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 elements do not fill shape [3, 2]");
        assertThatThrownBy(() -> Tensor.wrap(new float[6], 3, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrappedViewsSlicesAndJoinsKeepTheirElements() {
        int[] ids = {1, 2, 3, 4, 5, 6, 7, 8};
        Tensor wrapped = Tensor.wrap(ids, 4, 2);
        Tensor rows = wrapped.sliceView(1, 3);
        assertThat(rows.toIntArray()).containsExactly(3, 4, 5, 6);
        assertThat(rows.intBuffer().get(0)).isEqualTo(3);
        assertThat(rows.intBuffer().remaining()).isEqualTo(4);
        assertThat(rows.sliceView(1, 2).toIntArray()).as("a view of a view").containsExactly(5, 6);
        assertThat(rows.reshape(4).toIntArray()).containsExactly(3, 4, 5, 6);
        assertThat(rows.slice(0, 1).toIntArray()).containsExactly(3, 4);
        assertThat(rows.direct().isDirect()).isTrue();
        assertThat(rows.direct()).isEqualTo(Tensor.ofInts(new int[] {3, 4, 5, 6}, 2, 2));
        assertThat(Tensor.concat(List.of(wrapped.sliceView(0, 1), wrapped.sliceView(1, 4)))).isEqualTo(Tensor.ofInts(ids, 4, 2));
        ids[2] = 30;
        assertThat(rows.getAsDouble(0)).as("views share the array").isEqualTo(30.0);
        assertThat(Tensor.wrap(new long[] {7, 8}, 2).sliceView(1, 2).toLongArray()).containsExactly(8);
        assertThat(Tensor.wrap(new double[] {0.5, 1.5}).toDoubleArray()).containsExactly(0.5, 1.5);
    }

    @Test
    void copyToWritesNativeOrderBytesAndAdvancesTheTarget() {
        for (Tensor tensor : List.of(Tensor.wrap(new float[] {1, 2, 3}), Tensor.ofFloats(new float[] {1, 2, 3}),
                Tensor.wrap(new float[] {0, 1, 2, 3, 4}).sliceView(1, 4), Tensor.ofFloats(new float[] {1, 2, 3}).direct())) {
            ByteBuffer target = ByteBuffer.allocate(16).order(java.nio.ByteOrder.BIG_ENDIAN);
            target.putFloat(-1f);
            tensor.copyTo(target);
            assertThat(target.position()).as(tensor.toString()).isEqualTo(16);
            ByteBuffer read = target.flip().order(java.nio.ByteOrder.nativeOrder());
            assertThat(new float[] {read.getFloat(4), read.getFloat(8), read.getFloat(12)}).containsExactly(1, 2, 3);
            assertThatThrownBy(() -> tensor.copyTo(ByteBuffer.allocate(8))).isInstanceOf(java.nio.BufferOverflowException.class);
        }
        assertThatThrownBy(() -> Tensor.ofStrings(new String[] {"a"}).copyTo(ByteBuffer.allocate(8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrapOfABufferWithSpareCapacityReadsOnlyItsElements() {
        ByteBuffer roomy = Tensor.allocate(DType.FLOAT32, 4);
        roomy.putFloat(0, 1f).putFloat(4, 2f).putFloat(8, 99f);
        Tensor two = Tensor.wrap(DType.FLOAT32, Shape.of(2), roomy.limit(8));
        assertThat(two.direct().toFloatArray()).containsExactly(1, 2);
        assertThat(Tensor.concat(List.of(two, two)).toFloatArray()).containsExactly(1, 2, 1, 2);
        assertThat(two.slice(0, 2).toFloatArray()).containsExactly(1, 2);
    }
}
