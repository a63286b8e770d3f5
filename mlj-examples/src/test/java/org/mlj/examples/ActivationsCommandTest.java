package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationsCommandTest {
    @TempDir
    Path dir;

    @Test
    void drawsEveryLayerOfTheCnn() throws IOException {
        Path seven = Cli.workspace().sample("digits/7_1.png");
        Cli.Result result = Cli.run("activations", "--image", seven.toString(), "--out", dir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("mnist_cnn on 7_1.png: 7 (");
        String[] pictures = {"00_input.png", "01_conv1.png", "02_pool1.png", "03_conv2.png", "04_pool2.png", "05_flatten.png",
            "06_dense1.png", "07_dense2.png", "08_predictions.png"};
        for (String picture : pictures) {
            assertThat(dir.resolve(picture)).isNotEmptyFile();
            assertThat(result.out()).contains("wrote " + dir.resolve(picture));
        }
        assertThat(Files.readString(dir.resolve("index.html"))).containsSubsequence(pictures);
    }

    @Test
    void reportsAMissingImage() {
        Cli.Result result = Cli.run("activations", "--image", dir.resolve("none.png").toString(), "--out", dir.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("Error: No such file: " + dir.resolve("none.png") + System.lineSeparator());
    }
}
