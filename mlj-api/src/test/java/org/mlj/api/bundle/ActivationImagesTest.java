package org.mlj.api.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.mlj.api.Tensor;

class ActivationImagesTest {
    private final ActivationImages images = new ActivationImages();

    @Test
    void choosesTheViewByShape() {
        assertThat(ActivationImages.view(Tensor.ofFloats(new float[12], 1, 2, 2, 3))).isEqualTo(ActivationImages.View.FEATURE_MAPS);
        assertThat(ActivationImages.view(Tensor.ofFloats(new float[12], 1, 4, 3))).isEqualTo(ActivationImages.View.SEQUENCE);
        assertThat(ActivationImages.view(Tensor.ofFloats(new float[12], 1, 12))).isEqualTo(ActivationImages.View.BARS);
        assertThat(ActivationImages.view(Tensor.ofFloats(new float[1], 1, 1))).isEqualTo(ActivationImages.View.BARS);
    }

    @Test
    void drawsEachStepOfASequenceAsAColumnColouredBySign() throws IOException {
        // 3 steps x 2 features: step 0 all positive, step 1 zero, step 2 all negative.
        Tensor values = Tensor.ofFloats(new float[] {1f, 0.5f, 0f, 0f, -1f, -0.5f}, 1, 3, 2);
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(images.png("seq", values)));
        int cell = 960 / 3 > 12 ? 12 : 960 / 3;
        int y = 24 + 1; // first feature row, below the title
        int positive = picture.getRGB(6 + cell / 2, y);
        int zero = picture.getRGB(6 + cell + cell / 2, y);
        int negative = picture.getRGB(6 + 2 * cell + cell / 2, y);
        assertThat(blue(positive)).isGreaterThan(red(positive));
        assertThat(zero & 0xffffff).isZero();
        assertThat(red(negative)).isGreaterThan(blue(negative));
    }

    @Test
    void normalisesEveryFeatureMapChannelToItsOwnRange() throws IOException {
        // 2x2 maps, 2 channels: channel 0 in [0, 3], channel 1 in [100, 103]; both must span black to white.
        float[] data = {0, 100, 1, 101, 2, 102, 3, 103};
        BufferedImage picture = images.draw("maps", Tensor.ofFloats(data, 1, 2, 2, 2));
        assertThat(picture.getWidth()).isGreaterThanOrEqualTo(2 * 56);
        int scale = 28; // 56-pixel tiles for 2x2 maps
        int top = 24 + 14;
        assertThat(picture.getRGB(6 + 1, top + 1) & 0xffffff).as("channel 0 minimum").isZero();
        assertThat(picture.getRGB(6 + scale + 1, top + scale + 1) & 0xffffff).as("channel 0 maximum").isEqualTo(0xffffff);
    }

    private static int red(int rgb) {
        return rgb >> 16 & 0xff;
    }

    private static int blue(int rgb) {
        return rgb & 0xff;
    }
}
