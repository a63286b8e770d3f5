package org.mlj.api.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.Tensor;
import org.mlj.api.Shape;

class NpyFileTest {
    @TempDir
    Path dir;

    /** Bytes of a .npy file as NumPy writes them (format 1.0, header padded to 64 bytes). */
    private static byte[] npy(String header, byte[] data) {
        int total = (10 + header.length() + 1 + 63) / 64 * 64;
        String dict = header + " ".repeat(total - 10 - header.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) dict.length(), 0});
        out.writeBytes(dict.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Path file = dir.resolve("x.npy");
        Files.write(file, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", data.array()));
        Tensor tensor = NpyFile.read(file);
        assertThat(tensor.shape()).isEqualTo(Shape.of(1, 2));
        assertThat(tensor.toFloatArray()).containsExactly(1.5f, -2f);
    }

    @Test
    void readsBigEndianAndScalars() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(42);
        Path file = dir.resolve("s.npy");
        Files.write(file, npy("{'descr': '>i8', 'fortran_order': False, 'shape': (), }", data.array()));
        Tensor tensor = NpyFile.read(file);
        assertThat(tensor.shape()).isEqualTo(Shape.scalar());
        assertThat(tensor.toLongArray()).containsExactly(42);
    }

    @Test
    void everyDtypeRoundTrips() throws IOException {
        List<Tensor> tensors = List.of(
                Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
                Tensor.ofDoubles(new double[] {0.1, 0.2}, 2),
                Tensor.ofInts(new int[] {-1, 0, 1}, 3, 1),
                Tensor.ofLongs(new long[] {Long.MIN_VALUE}, 1),
                Tensor.ofBooleans(new boolean[] {true, false}, 2),
                Tensor.ofUint8(new byte[] {0, (byte) 200}, 1, 2),
                Tensor.ofStrings(new String[] {"great movie", "ü", ""}, 3),
                Tensor.scalar(3f));
        for (Tensor tensor : tensors) {
            Path file = dir.resolve("t.npy");
            NpyFile.write(file, tensor);
            assertThat(NpyFile.read(file)).as(tensor.toString()).isEqualTo(tensor);
        }
    }

    @Test
    void writtenHeaderIsWhatNumpyExpects() throws IOException {
        Path file = dir.resolve("h.npy");
        NpyFile.write(file, Tensor.ofInts(new int[] {1, 2, 3}, 3));
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }").endsWith("\n");
        assertThat((10 + headerLength) % 64).as("data starts on a 64-byte boundary").isZero();
        assertThat(bytes.length).isEqualTo(10 + headerLength + 12);
    }

    @Test
    void rejectsWhatItCannotRead() throws IOException {
        Path text = dir.resolve("a.npy");
        Files.writeString(text, "hello world");
        assertThatThrownBy(() -> NpyFile.read(text)).isInstanceOf(IOException.class)
                .hasMessage(text + ": not a .npy file (the \\x93NUMPY magic is missing)");

        Path fortran = dir.resolve("f.npy");
        Files.write(fortran, npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        assertThatThrownBy(() -> NpyFile.read(fortran)).hasMessageContaining("Fortran-ordered arrays are not supported");

        Path half = dir.resolve("h.npy");
        Files.write(half, npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new byte[4]));
        assertThatThrownBy(() -> NpyFile.read(half)).hasMessageContaining("unsupported dtype '<f2'; mlj reads float32 (<f4)");

        Path truncated = dir.resolve("t.npy");
        Files.write(truncated, npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 784), }", new byte[100]));
        assertThatThrownBy(() -> NpyFile.read(truncated))
                .hasMessage(truncated + ": truncated data: shape [1, 784] of float32 needs 3136 bytes, the file has 100");
    }
}
