package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.TensorAssertions;

class RunCommandTest {
    private static final Path CNN = ModelFixtures.model("mnist_cnn");
    private static final Path BATCH = CNN.resolve("reference/batch_1");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void writesEachOutputAsNpy(String backend) throws IOException {
        Cli.Result result = Cli.run("run", "--model", CNN.toString(), "--backend", backend,
                "--inputs", "image=" + BATCH.resolve("inputs/image.npy"), "--outdir", dir.toString());

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        Path written = dir.resolve("predictions.npy");
        assertThat(result.out()).isEqualTo("predictions: float32 [1, 10] -> " + written + System.lineSeparator());
        TensorAssertions.assertClose(NpyFile.read(written), NpyFile.read(BATCH.resolve("outputs/predictions.npy")), 1e-5, backend);
    }

    @Test
    void writesRequestedLayersAndKeepsIntegerInputs() throws IOException {
        Path lstm = ModelFixtures.model("imdb_lstm");
        Path batch = lstm.resolve("reference/batch_1");
        Cli.Result result = Cli.run("run", "--model", lstm.toString(), "--inputs", "tokens=" + batch.resolve("inputs/tokens.npy"),
                "--outdir", dir.toString(), "--layers", "embedding,lstm");

        assertThat(result.exitCode()).as(result.err()).isZero();
        for (String layer : new String[] {"embedding", "lstm"}) {
            Tensor expected = NpyFile.read(batch.resolve("layers/" + layer + ".npy"));
            TensorAssertions.assertClose(NpyFile.read(dir.resolve(layer + ".npy")), expected, 1e-4, layer);
        }
        assertThat(dir.resolve("sentiment.npy")).exists();
    }

    @Test
    void runsTheSignatureAskedFor() throws IOException {
        Cli.Result result = Cli.run("run", "--model", CNN.toString(), "--backend", "tensorflow", "--signature", "layer_outputs",
                "--inputs", "image=" + BATCH.resolve("inputs/image.npy"), "--outdir", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines()).hasSize(8);
        TensorAssertions.assertClose(NpyFile.read(dir.resolve("pool2.npy")), NpyFile.read(BATCH.resolve("layers/pool2.npy")),
                1e-5, "pool2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64", "int32", "int64", "uint8", "bool"})
    void readsEveryDtypeAndReportsAWrongOneOnOneLine(String dtype) throws IOException {
        Path image = dir.resolve("image.npy");
        NpyFile.write(image, switch (dtype) {
            case "float64" -> Tensor.ofDoubles(new double[784], 1, 28, 28, 1);
            case "int32" -> Tensor.ofInts(new int[784], 1, 28, 28, 1);
            case "int64" -> Tensor.ofLongs(new long[784], 1, 28, 28, 1);
            case "uint8" -> Tensor.ofUint8(new byte[784], 1, 28, 28, 1);
            default -> Tensor.ofBooleans(new boolean[784], 1, 28, 28, 1);
        });
        Cli.Result result = runCnn("image=" + image);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("Error: Input 'image' has dtype " + dtype + ", expected float32 (shape [?, 28, 28, 1])"
                + System.lineSeparator());
    }

    @Test
    void reportsAWrongShapeOnOneLine() throws IOException {
        Path image = dir.resolve("image.npy");
        NpyFile.write(image, Tensor.ofFloats(new float[784], 1, 784));
        Cli.Result result = runCnn("image=" + image);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Input 'image' has shape [1, 784] (rank 2), expected rank 4").hasLineCount(1);
    }

    @Test
    void reportsAnUnknownInputName() {
        Cli.Result result = runCnn("pixels=" + BATCH.resolve("inputs/image.npy"));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Unknown input 'pixels'").hasLineCount(1);
    }

    @Test
    void reportsMissingAndBrokenNpyFiles() throws IOException {
        Cli.Result missing = runCnn("image=" + dir.resolve("nothing.npy"));
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Error: No such file: " + dir.resolve("nothing.npy") + System.lineSeparator());

        Path broken = Files.writeString(dir.resolve("broken.npy"), "hello");
        Cli.Result notNpy = runCnn("image=" + broken);
        assertThat(notNpy.exitCode()).isEqualTo(1);
        assertThat(notNpy.err()).isEqualTo("Error: " + broken + ": not a .npy file (the \\x93NUMPY magic is missing)"
                + System.lineSeparator());
    }

    @Test
    void reportsMalformedInputsAsUsageErrors() {
        Cli.Result result = runCnn("image.npy");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("Error: Invalid --inputs entry 'image.npy': expected NAME=FILE.npy, entries "
                + "separated by ';' (see 'mlj run --help')" + System.lineSeparator());
    }

    @Test
    void reportsAnUnknownBackendAndTheStackTraceOnlyWhenVerbose() {
        String[] args = {"run", "--model", CNN.toString(), "--backend", "onnx", "--inputs",
            "image=" + BATCH.resolve("inputs/image.npy"), "--outdir", dir.toString()};
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Backend 'onnx' is not on the classpath").hasLineCount(1);

        String[] verbose = java.util.Arrays.copyOf(args, args.length + 1);
        verbose[args.length] = "--verbose";
        assertThat(Cli.run(verbose).err()).contains("org.mlj.api.ModelLoadException", "\tat org.mlj.api.ModelLoader");
    }

    /** Issue 13's acceptance: a Conv1D model, a masked LSTM and a legacy (Keras 3 .h5) MobileNet-style model on dl4j. */
    @ParameterizedTest
    @CsvSource({"conv1d, model.keras, signal", "embedding_masked_lstm, model.keras, tokens", "mobilenet_like, model.h5, image"})
    void runsZooModelFilesOnDl4jAsPythonDoes(String zoo, String file, String input) throws IOException {
        Path bundle = ModelFixtures.model("zoo/" + zoo);
        Path batch = bundle.resolve("reference/batch_32");
        Cli.Result result = Cli.run("run", "--model", bundle.resolve(file).toString(), "--backend", "dl4j",
                "--inputs", input + "=" + batch.resolve("inputs/" + input + ".npy"), "--outdir", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("predictions: float32 [32, ");
        TensorAssertions.assertClose(NpyFile.read(dir.resolve("predictions.npy")), NpyFile.read(batch.resolve("outputs/predictions.npy")),
                1e-5, zoo + "/" + file);
    }

    @Test
    void runsAKerasArchitectureJsonWithItsWeightsFile() throws IOException {
        Path legacy = ModelFixtures.model("legacy/keras2_json");
        Cli.Result result = Cli.run("run", "--model", legacy.resolve("topology.json").toString(), "--weights",
                legacy.resolve("weights.h5").toString(), "--inputs", "image=" + legacy.resolve("reference/image.npy"),
                "--outdir", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("probs: float32 [4, 3] -> " + dir.resolve("probs.npy") + System.lineSeparator());
        TensorAssertions.assertClose(NpyFile.read(dir.resolve("probs.npy")), NpyFile.read(legacy.resolve("reference/probs.npy")),
                1e-5, "keras2 json");
    }

    @Test
    void runsAFrozenGraphOnItsSinksOrTheOutputsAskedFor() throws IOException {
        Path frozen = ModelFixtures.model("legacy/frozen_graph");
        String input = "input=" + frozen.resolve("reference/input.npy");
        Cli.Result sinks = Cli.run("run", "--model", frozen.resolve("frozen_model.pb").toString(), "--inputs", input,
                "--outdir", dir.toString());
        assertThat(sinks.exitCode()).as(sinks.err()).isZero();
        assertThat(sinks.out()).isEqualTo("probabilities: float32 [4, 3] -> " + dir.resolve("probabilities.npy") + System.lineSeparator());

        Cli.Result both = Cli.run("run", "--model", frozen.resolve("frozen_model.pb").toString(), "--outputs", "logits,probabilities",
                "--inputs", input, "--outdir", dir.toString());
        assertThat(both.exitCode()).as(both.err()).isZero();
        for (String output : new String[] {"logits", "probabilities"}) {
            TensorAssertions.assertClose(NpyFile.read(dir.resolve(output + ".npy")), NpyFile.read(frozen.resolve("reference/" + output + ".npy")),
                    1e-6, output);
        }
    }

    @Test
    void legacyFormatMistakesAreOneLineErrors() {
        Path frozen = ModelFixtures.model("legacy/frozen_graph");
        Cli.Result unknown = Cli.run("run", "--model", frozen.resolve("frozen_model.pb").toString(), "--outputs", "scores",
                "--inputs", "input=" + frozen.resolve("reference/input.npy"), "--outdir", dir.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("Error: Frozen graph ").contains("has no node 'scores'", "its sinks are [probabilities]")
                .hasLineCount(1);

        Path json = ModelFixtures.model("legacy/keras2_json").resolve("topology.json");
        Cli.Result noWeights = Cli.run("run", "--model", json.toString(), "--inputs", "image=" + frozen.resolve("reference/input.npy"),
                "--outdir", dir.toString());
        assertThat(noWeights.exitCode()).isEqualTo(1);
        assertThat(noWeights.err()).contains("Keras architecture JSON without its weights", "--weights PATH").hasLineCount(1);
    }

    private Cli.Result runCnn(String inputs) {
        return Cli.run("run", "--model", CNN.toString(), "--inputs", inputs, "--outdir", dir.toString());
    }
}
