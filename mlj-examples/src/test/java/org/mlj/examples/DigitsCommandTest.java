package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;

class DigitsCommandTest {
    @TempDir
    Path dir;

    @Test
    void readsTheSampleDigits() throws IOException {
        List<Path> samples;
        try (Stream<Path> files = Files.list(Cli.workspace().sample("digits"))) {
            samples = files.sorted().toList();
        }
        List<String> args = new ArrayList<>(List.of("digits"));
        samples.forEach(sample -> args.add(sample.toString()));

        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            String label = samples.get(i).getFileName().toString().substring(0, 1);
            assertThat(lines.get(i)).matches(samples.get(i) + ": +" + label + " +" + label + " \\(\\d\\.\\d{3}\\)  \\d \\(\\d\\.\\d{3}\\)  \\d \\(\\d\\.\\d{3}\\)");
        }
    }

    @Test
    void agreesWithPythonOnReferenceDigitsSavedAsPictures() throws IOException {
        Path cnn = ModelFixtures.model("mnist_cnn");
        Tensor pixels = ModelFixtures.npy(cnn.resolve("reference/batch_32/inputs/image.npy"));
        Tensor expected = ModelFixtures.npy(cnn.resolve("reference/batch_32/outputs/predictions.npy"));
        List<String> args = new ArrayList<>(List.of("digits", "--model", "ffnn", "--backend", "dl4j"));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            args.add(writePicture(pixels, i).toString());
            labels.add(ClassScores.of(expected, i, null).best().label());
        }

        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().map(line -> line.split(" +")[1]).toList()).isEqualTo(labels);
    }

    @Test
    void reportsAFileThatIsNoImage() throws IOException {
        Path text = Files.writeString(dir.resolve("seven.png"), "7");
        Cli.Result result = Cli.run("digits", text.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("Error: " + text + " is not an image that javax.imageio can decode (PNG, JPEG, GIF, BMP)"
                + System.lineSeparator());
    }

    @Test
    void reportsAMissingImage() {
        Cli.Result result = Cli.run("digits", dir.resolve("missing.png").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("Error: No such file: " + dir.resolve("missing.png") + System.lineSeparator());
    }

    @Test
    void reportsAnUnknownModel() {
        Cli.Result result = Cli.run("digits", "--model", "rnn", "x.png");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("Error: Unknown model 'rnn'; expected one of [ffnn, cnn] (see 'mlj digits --help')"
                + System.lineSeparator());
    }

    /** Example {@code index} of a {@code [n, 28, 28, 1]} batch as an 8-bit gray PNG. */
    private Path writePicture(Tensor batch, int index) throws IOException {
        float[] values = batch.toFloatArray();
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 28 * 28; p++) {
            image.getRaster().setSample(p % 28, p / 28, 0, Math.round(values[index * 28 * 28 + p] * 255));
        }
        Path file = dir.resolve("reference_" + index + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}
