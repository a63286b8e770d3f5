package org.mlj.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.DigitImages;

/**
 * Turns the bytes of an image file (a {@code binary} column: PNG, or JPEG, GIF, BMP) into a model's
 * input exactly as {@code ./mlj digits} does, by handing the decoded picture to {@link DigitImages}.
 * Thread-safe.
 */
final class PngImages {
    private final DigitImages images;

    private PngImages(DigitImages images) {
        this.images = images;
    }

    /** The preparation the bundle's {@code preprocessing.image} describes. */
    static PngImages of(BundleManifest manifest) {
        return new PngImages(DigitImages.of(manifest));
    }

    /**
     * The prepared pixels of one image.
     *
     * @throws IOException if the bytes are no image that {@code javax.imageio} can decode
     */
    float[] pixels(byte[] file) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(file));
        if (image == null) {
            throw new IOException("no decodable image (PNG, JPEG, GIF or BMP) in " + file.length + " bytes");
        }
        return images.pixels(image);
    }
}
