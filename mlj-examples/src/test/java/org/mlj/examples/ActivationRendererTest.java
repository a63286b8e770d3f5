package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;

class ActivationRendererTest {
    @TempDir
    Path dir;

    @Test
    void drawsOnePicturePerLayerAndAnIndexInModelOrder() throws IOException {
        float[] maps = new float[4 * 4 * 3];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = i % 3 == 1 ? 5f : i;
        }
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("conv/1", Tensor.ofFloats(maps, 1, 4, 4, 3));
        values.put("dense", Tensor.ofFloats(new float[] {-1f, 0f, 2f, 0.5f}, 1, 4));
        List<LayerInfo> layers = List.of(
                new LayerInfo("conv/1", "Conv2D", DType.FLOAT32, Shape.of(-1, 4, 4, 3)),
                new LayerInfo("dense", "Dense", DType.FLOAT32, Shape.of(-1, 4)));

        List<Path> files = new ActivationRenderer().render(dir.resolve("out"), "tiny <model>",
                Tensor.ofFloats(new float[16], 1, 4, 4, 1), layers, new Outputs(values));

        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("00_input.png", "01_conv_1.png", "02_dense.png", "index.html");
        BufferedImage conv = ImageIO.read(files.get(1).toFile());
        assertThat(conv.getWidth()).isGreaterThanOrEqualTo(2 * 56);
        assertThat(conv.getHeight()).isGreaterThanOrEqualTo(2 * 56);
        assertThat(ImageIO.read(files.get(2).toFile()).getWidth()).isGreaterThan(4);
        String html = Files.readString(files.get(3));
        assertThat(html).contains("<title>tiny &lt;model&gt;</title>")
                .containsSubsequence("00_input.png", "1. conv/1", "Conv2D", "float32 [1, 4, 4, 3]", "01_conv_1.png",
                        "2. dense", "Dense", "02_dense.png");
    }
}
