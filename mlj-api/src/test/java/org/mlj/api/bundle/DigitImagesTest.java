package org.mlj.api.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;

class DigitImagesTest {
    private final DigitImages images = new DigitImages(28, 28, Shape.of(-1, 28, 28, 1));

    @TempDir
    Path dir;

    @Test
    void passesAnMnistSizedGrayImageUnchanged() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                image.getRaster().setSample(x, y, 0, (x * 28 + y) % 97);
            }
        }
        float[] pixels = images.pixels(image);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertThat(pixels[y * 28 + x]).isEqualTo(((x * 28 + y) % 97) / 255f);
            }
        }
    }

    @Test
    void invertsADarkDigitOnALightBackground() {
        BufferedImage image = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 280, 280);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(30, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        g.drawLine(140, 40, 140, 240);
        g.dispose();
        float[] pixels = images.pixels(image);
        assertThat(pixels[14 * 28 + 14]).isCloseTo(1f, within(1e-6f));
        assertThat(pixels[14 * 28 + 3]).isCloseTo(0f, within(1e-6f));
        assertThat(pixels[2 * 28 + 14]).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void compositesTransparencyOntoWhitePaper() {
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(24, 8, 8, 40);
        g.dispose();
        float[] pixels = images.pixels(image);
        assertThat(pixels[14 * 28 + 14]).isCloseTo(1f, within(1e-6f));
        assertThat(pixels[14 * 28 + 4]).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void keepsALightDigitOnBlackAsItIs() {
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(24, 8, 8, 40);
        g.dispose();
        float[] pixels = images.pixels(image);
        assertThat(pixels[14 * 28 + 14]).isEqualTo(1f);
        assertThat(pixels[14 * 28 + 4]).isEqualTo(0f);
    }

    @Test
    void usesLuminanceOfColours() {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 28, 28);
        g.dispose();
        assertThat(images.pixels(image)[0]).isCloseTo(0.299f, within(1e-6f));
    }

    @Test
    void scalesTheLongerSideAndCentresOnBlack() {
        BufferedImage image = new BufferedImage(112, 56, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(102, 102, 102));
        g.fillRect(0, 0, 112, 56);
        g.dispose();
        float[] pixels = images.pixels(image);
        for (int y = 0; y < 28; y++) {
            float expected = y >= 7 && y < 21 ? 0.4f : 0f;
            assertThat(pixels[y * 28]).as("row %d", y).isCloseTo(expected, within(1e-6f));
            assertThat(pixels[y * 28 + 27]).as("row %d", y).isCloseTo(expected, within(1e-6f));
        }
    }

    @Test
    void averagesTheAreaEachPixelCovers() {
        BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 56; x++) {
                image.getRaster().setSample(x, y, 0, (x + y) % 2 == 0 ? 0 : 204);
            }
        }
        for (float v : images.pixels(image)) {
            assertThat(v).isCloseTo(0.4f, within(1e-6f));
        }
    }

    @Test
    void readsFilesIntoABatch() throws IOException {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(3, 5, 0, 255);
        Path png = dir.resolve("one.png");
        ImageIO.write(image, "png", png.toFile());
        Tensor batch = images.tensor(List.of(png, png));
        assertThat(batch.shape().dims()).containsExactly(2, 28, 28, 1);
        assertThat(batch.toFloatArray()[28 * 28 + 5 * 28 + 3]).isEqualTo(1f);
        Tensor flat = new DigitImages(28, 28, Shape.of(-1, 784)).tensor(List.of(png));
        assertThat(flat.shape().dims()).containsExactly(1, 784);
        assertThat(flat.toFloatArray()[5 * 28 + 3]).isEqualTo(1f);
    }

    @Test
    void refusesAnInputThatIsNoGrayImage() {
        assertThatThrownBy(() -> new DigitImages(28, 28, Shape.of(-1, 28, 28, 3)))
                .hasMessage("A model input of shape [?, 28, 28, 3] does not take one 28x28 gray image per example");
    }

    @Test
    void rejectsFilesThatAreNoImage() throws IOException {
        Path text = Files.writeString(dir.resolve("digit.png"), "not a picture");
        assertThatThrownBy(() -> DigitImages.read(text)).isInstanceOf(IOException.class)
                .hasMessage(text + " is not an image that javax.imageio can decode (PNG, JPEG, GIF, BMP)");
        assertThatThrownBy(() -> DigitImages.read(dir.resolve("missing.png"))).isInstanceOf(NoSuchFileException.class);
    }
}
