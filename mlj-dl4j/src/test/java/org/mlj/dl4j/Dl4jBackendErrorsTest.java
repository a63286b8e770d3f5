package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;

/** Unsupported layers and broken files give typed errors, never a crash. */
class Dl4jBackendErrorsTest {
    private static final LoadOptions DL4J = LoadOptions.builder().backend("dl4j").build();
    private final Dl4jBackend backend = new Dl4jBackend();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"model.keras", "model.h5"})
    void unsupportedLayersAreNamedWithTheReasonAndPointToTensorFlow(String file) {
        Path path = ModelFixtures.model("zoo/merges_min_dot").resolve(file);

        assertThatThrownBy(() -> Models.load(path, DL4J))
                .isInstanceOfSatisfying(UnsupportedModelException.class,
                        e -> assertThat(e.unsupported()).containsExactly(
                                "minimum (Minimum: Deeplearning4j 1.0.0-M2.1 has no Minimum merge)",
                                "dot (Dot: Deeplearning4j 1.0.0-M2.1 has no Dot merge)"))
                .hasMessageContaining("minimum (Minimum")
                .hasMessageContaining("tensorflow")
                .hasMessageContaining("python -m mlj_export bundle");
    }

    @Test
    void truncatedHdf5() throws IOException {
        Path truncated = write("truncated.h5", half(fixture("model.h5")));

        assertThatThrownBy(() -> load(truncated, ModelFormat.HDF5))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("truncated");
    }

    @Test
    void truncatedKeras() throws IOException {
        Path truncated = write("truncated.keras", half(fixture("model.keras")));

        assertThatThrownBy(() -> load(truncated, ModelFormat.KERAS))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void corruptHdf5Metadata() throws IOException {
        byte[] bytes = fixture("model.h5");
        Arrays.fill(bytes, 96, 8192, (byte) 0xAB);
        Path corrupt = write("corrupt.h5", bytes);

        assertThatThrownBy(() -> load(corrupt, ModelFormat.HDF5)).isInstanceOf(ModelLoadException.class);
    }

    @Test
    void corruptHdf5Superblock() throws IOException {
        byte[] bytes = fixture("model.h5");
        bytes[8] = 7;
        Path corrupt = write("corrupt-superblock.h5", bytes);

        assertThatThrownBy(() -> load(corrupt, ModelFormat.HDF5))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("superblock");
    }

    @Test
    void corruptWeightsInKerasZip() throws IOException {
        byte[] bytes = fixture("model.keras");
        int weights = indexOf(bytes, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        assertThat(weights).as("the weights are stored uncompressed").isPositive();
        bytes[weights + (bytes.length - weights) / 3] ^= 0x5A;
        Path corrupt = write("corrupt.keras", bytes);

        assertThatThrownBy(() -> load(corrupt, ModelFormat.KERAS))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("model.weights.h5 is corrupt");
    }

    @Test
    void kerasZipWithoutWeights() throws IOException {
        Path broken = rewriteKeras("no-weights.keras", "model.weights.h5", bytes -> null);

        assertThatThrownBy(() -> load(broken, ModelFormat.KERAS))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("without model.weights.h5");
    }

    @Test
    void kerasZipWithInvalidConfig() throws IOException {
        Path broken = rewriteKeras("bad-config.keras", "config.json",
                bytes -> "{\"class_name\": \"Sequential\", \"config\": {".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> load(broken, ModelFormat.KERAS))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void weightShapesThatContradictTheConfig() throws IOException {
        Path broken = rewriteKeras("wrong-shapes.keras", "config.json", bytes -> new String(bytes, StandardCharsets.UTF_8)
                .replace("\"units\": 128", "\"units\": 64").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> load(broken, ModelFormat.KERAS))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("hidden/W");
    }

    @Test
    void notHdf5AtAll() throws IOException {
        Path text = write("notes.h5", "just some text, not a model".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> load(text, ModelFormat.HDF5))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not an HDF5 file");
        assertThatThrownBy(() -> Models.load(text, DL4J)).isInstanceOf(ModelLoadException.class);
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = write("empty.h5", new byte[0]);

        assertThatThrownBy(() -> load(empty, ModelFormat.HDF5))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("not an HDF5 file");
    }

    @Test
    void hdf5WithoutModelConfig() throws IOException {
        byte[] bytes = fixture("model.h5");
        Path renamed = write("renamed.h5", bytes);
        // The attribute name is stored in the file's metadata; renaming it hides the config.
        byte[] name = "model_config".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, name);
        assertThat(at).isPositive();
        bytes[at] = 'x';
        Files.write(renamed, bytes);

        assertThatThrownBy(() -> load(renamed, ModelFormat.HDF5))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no model_config");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "soon"})
    void invalidImportTimeout(String value) {
        LoadOptions options = DL4J.toBuilder().option(Dl4jBackend.IMPORT_TIMEOUT.key(), value).build();

        assertThatThrownBy(() -> Models.load(ModelFixtures.model("mnist_ffnn"), options))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining(Dl4jBackend.IMPORT_TIMEOUT.key());
    }

    private void load(Path path, ModelFormat format) {
        backend.load(new ModelSource(path, format, Optional.empty()), LoadOptions.defaults()).close();
    }

    private static byte[] fixture(String file) throws IOException {
        return Files.readAllBytes(ModelFixtures.model("mnist_ffnn").resolve(file));
    }

    private static byte[] half(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length / 2);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Copies the FFNN's {@code .keras} zip, replacing one entry's bytes (null drops the entry). */
    private Path rewriteKeras(String name, String entryName, UnaryOperator<byte[]> change) throws IOException {
        Path target = dir.resolve(name);
        try (ZipFile source = new ZipFile(ModelFixtures.model("mnist_ffnn").resolve("model.keras").toFile());
             OutputStream file = Files.newOutputStream(target);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes = source.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(entryName)) {
                    bytes = change.apply(bytes);
                    if (bytes == null) {
                        continue;
                    }
                }
                zip.putNextEntry(storedEntry(entry.getName(), bytes));
                zip.write(bytes);
                zip.closeEntry();
            }
        }
        return target;
    }

    private static ZipEntry storedEntry(String name, byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        entry.setCrc(crc.getValue());
        return entry;
    }
}
