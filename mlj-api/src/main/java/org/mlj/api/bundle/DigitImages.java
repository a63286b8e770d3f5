package org.mlj.api.bundle;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.BundleManifest.ImagePreprocessing;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;

/**
 * Turns pictures of digits into the input of the MNIST models: what the models were trained on is a
 * white digit on a black background, one channel, values {@code pixel / 255} in [0, 1]. In order:
 * <ol>
 *   <li>decode the file with {@code javax.imageio} (PNG, JPEG, GIF, BMP);</li>
 *   <li>make each pixel a gray level in [0, 1]: grayscale images as stored, colour images by their
 *       luminance {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as PIL's {@code convert("L")});
 *       transparent pixels are composited onto white, like paper, so a dark stroke on a transparent
 *       canvas reads as a digit;</li>
 *   <li>if the mean gray level is above 0.5 (a light background), invert: {@code v = 1 - v};</li>
 *   <li>scale so that the longer side fits the model's input (28 pixels), keeping the aspect ratio,
 *       by area averaging (each new pixel is the mean of the source area it covers), and centre
 *       the result on black.</li>
 * </ol>
 * A 28x28 MNIST image passes unchanged. MNIST digits fill the centre 20x20 pixels, so pictures with a
 * similar margin around the digit classify best. The batch takes the shape of the model's input:
 * {@code [n, 28, 28, 1]} for the CNN, {@code [n, 784]} (rows one after the other) for the FFNN.
 * Immutable and thread-safe.
 */
public final class DigitImages {
    private static final double LIGHT_BACKGROUND = 0.5;

    private final int height;
    private final int width;
    private final Shape inputShape;

    /**
     * Prepares images of {@code height} x {@code width} pixels for a model input of this shape.
     *
     * @param inputShape the input's shape, batch dimension unknown, e.g. {@code [?, 28, 28, 1]} or {@code [?, 784]}
     * @throws IllegalArgumentException if the input does not hold exactly one such image per example
     */
    public DigitImages(int height, int width, Shape inputShape) {
        Shape example = inputShape.withFirstDim(1);
        if (height < 1 || width < 1 || !example.isFullyKnown() || example.size() != (long) height * width) {
            throw new IllegalArgumentException("A model input of shape " + inputShape + " does not take one " + height
                    + "x" + width + " gray image per example");
        }
        this.height = height;
        this.width = width;
        this.inputShape = inputShape;
    }

    /**
     * Prepares images for the one-input, one-channel image model of this bundle.
     *
     * @throws ModelLoadException if the bundle is no such model
     */
    public static DigitImages of(BundleManifest manifest) {
        ImagePreprocessing image = manifest.preprocessing() == null ? null : manifest.preprocessing().image();
        if (image == null || image.channels() != 1 || manifest.inputs().size() != 1) {
            throw new ModelLoadException("Bundle '" + manifest.name() + "' is not a one-input gray image model "
                    + "(one input and preprocessing.image with channels 1 in its mlj.json)");
        }
        try {
            return new DigitImages(image.height(), image.width(), manifest.inputSpecs().get(0).shape());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Bundle '" + manifest.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Decodes an image file.
     *
     * @throws IOException if the file is missing, unreadable or not an image javax.imageio decodes
     */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not a readable image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + " is not an image that javax.imageio can decode (PNG, JPEG, GIF, BMP)");
        }
        return image;
    }

    /** A float32 tensor of the prepared images in order, shaped as the model input with one example per file. */
    public Tensor tensor(List<Path> files) throws IOException {
        float[] batch = new float[files.size() * height * width];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(pixels(read(files.get(i))), 0, batch, i * height * width, height * width);
        }
        return Tensor.wrap(batch, inputShape.withFirstDim(files.size()).dims());
    }

    /** The prepared image: {@code height * width} values in [0, 1], row by row, white digit on black. */
    public float[] pixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] gray = grayLevels(image);
        double mean = 0;
        for (float v : gray) {
            mean += v;
        }
        if (mean / gray.length > LIGHT_BACKGROUND) {
            for (int i = 0; i < gray.length; i++) {
                gray[i] = 1 - gray[i];
            }
        }
        double scale = Math.min((double) width / w, (double) height / h);
        int scaledWidth = Math.max(1, (int) Math.round(w * scale));
        int scaledHeight = Math.max(1, (int) Math.round(h * scale));
        float[] scaled = resizeColumns(resizeRows(gray, w, h, scaledWidth), scaledWidth, h, scaledHeight);
        float[] canvas = new float[height * width];
        int left = (width - scaledWidth) / 2;
        int top = (height - scaledHeight) / 2;
        for (int y = 0; y < scaledHeight; y++) {
            System.arraycopy(scaled, y * scaledWidth, canvas, (top + y) * width + left, scaledWidth);
        }
        return canvas;
    }

    /** Gray levels in [0, 1], row by row; transparency composited onto white. */
    private static float[] grayLevels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] gray = new float[w * h];
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel)) {
            // Read stored gray levels: getRGB would convert Java's linear gray space to sRGB and brighten them.
            Raster raster = image.getRaster();
            double maxGray = (1 << model.getComponentSize(0)) - 1;
            double maxAlpha = model.hasAlpha() ? (1 << model.getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double alpha = model.hasAlpha() ? raster.getSample(x, y, 1) / maxAlpha : 1;
                    gray[y * w + x] = (float) composite(raster.getSample(x, y, 0) / maxGray, alpha);
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = image.getRGB(x, y);
                    double luminance = (0.299 * (argb >> 16 & 0xff) + 0.587 * (argb >> 8 & 0xff) + 0.114 * (argb & 0xff)) / 255;
                    gray[y * w + x] = (float) composite(luminance, (argb >>> 24) / 255.0);
                }
            }
        }
        return gray;
    }

    private static double composite(double level, double alpha) {
        return alpha * level + (1 - alpha);
    }

    /** Resizes every row of a {@code w x h} grid to {@code newWidth} columns by area averaging. */
    private static float[] resizeRows(float[] grid, int w, int h, int newWidth) {
        float[] out = new float[newWidth * h];
        for (int y = 0; y < h; y++) {
            resample(grid, y * w, 1, w, out, y * newWidth, 1, newWidth);
        }
        return out;
    }

    /** Resizes every column of a {@code w x h} grid to {@code newHeight} rows by area averaging. */
    private static float[] resizeColumns(float[] grid, int w, int h, int newHeight) {
        float[] out = new float[w * newHeight];
        for (int x = 0; x < w; x++) {
            resample(grid, x, w, h, out, x, w, newHeight);
        }
        return out;
    }

    /**
     * Area-average resampling of one line of {@code n} values into {@code m}: output value {@code j}
     * covers the source interval {@code [j * n / m, (j + 1) * n / m)} and is the overlap-weighted mean.
     */
    private static void resample(float[] source, int from, int stride, int n, float[] target, int to, int targetStride, int m) {
        double step = (double) n / m;
        for (int j = 0; j < m; j++) {
            double start = j * step;
            double end = start + step;
            double sum = 0;
            for (int i = (int) start; i < Math.min(n, Math.ceil(end)); i++) {
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                sum += overlap * source[from + i * stride];
            }
            target[to + j * targetStride] = (float) (sum / step);
        }
    }
}
