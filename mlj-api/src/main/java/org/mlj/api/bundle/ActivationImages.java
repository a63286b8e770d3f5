package org.mlj.api.bundle;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mlj.api.Tensor;

/**
 * Draws one layer output (activation) of one example as a picture, the idea of TensorSpace.js with
 * java.awt. A {@code [1, height, width, channels]} output (convolution, pooling) becomes a grid of one
 * gray tile per channel, each normalised to its own minimum and maximum and labelled with its channel
 * index; a {@code [1, steps, features]} output (embedding, recurrent layers returning sequences)
 * becomes a heat map with one column per step and one row per feature, blue for positive and orange
 * for negative values, scaled by the largest magnitude; any other output (dense, flatten, a recurrent
 * layer's last state) becomes a labelled bar strip of its values, scaled by the largest magnitude. The one rendering of activations in mlj: {@code ./mlj
 * activations} writes these pictures to files and {@code mlj serve}'s web page shows the same PNGs.
 * Needs no display ({@code java.awt.headless=true}). Stateless and thread-safe.
 */
public final class ActivationImages {
    private static final int MIN_TILE = 56;
    private static final int GAP = 6;
    private static final int TITLE = 24;
    private static final int LABEL = 14;
    private static final int BAR_HEIGHT = 120;
    private static final int MAX_STRIP_WIDTH = 960;
    private static final int MAX_BAR_LABELS = 32;
    private static final Color BACKGROUND = new Color(0x1e1e1e);
    private static final Color TEXT = new Color(0xe0e0e0);
    private static final Color POSITIVE = new Color(0x4fa3e0);
    private static final Color NEGATIVE = new Color(0xe08a4f);
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);

    /** The caption drawn above a layer's picture: name, class, dtype and shape. */
    public static String caption(String name, String className, Tensor values) {
        return name + " (" + className + ") " + values.dtype() + " " + values.shape();
    }

    /** How a layer output is drawn. */
    public enum View {
        /** {@code [1, h, w, c]}: one gray tile per channel. */
        FEATURE_MAPS,
        /** {@code [1, steps, features]}: a heat map, one column per step. */
        SEQUENCE,
        /** Anything else: one bar per value. */
        BARS
    }

    /** How {@code values} (one example's output of one layer) is drawn. */
    public static View view(Tensor values) {
        if (values.shape().rank() == 4 && values.shape().dim(0) == 1) {
            return View.FEATURE_MAPS;
        }
        if (values.shape().rank() == 3 && values.shape().dim(0) == 1 && values.shape().dim(1) > 1 && values.shape().dim(2) > 1) {
            return View.SEQUENCE;
        }
        return View.BARS;
    }

    /**
     * The picture of one example's output of one layer.
     *
     * @param caption the heading drawn at the top, e.g. {@link #caption}
     * @param values the layer output for one example ({@code [1, ...]})
     */
    public BufferedImage draw(String caption, Tensor values) {
        return switch (view(values)) {
            case FEATURE_MAPS -> featureMaps(caption, values);
            case SEQUENCE -> sequence(caption, values);
            case BARS -> barStrip(caption, values);
        };
    }

    /** {@link #draw} encoded as PNG bytes. */
    public byte[] png(String caption, Tensor values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(draw(caption, values), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed in memory", e);
        }
        return out.toByteArray();
    }

    /** One tile per channel of a {@code [1, h, w, c]} tensor, each normalised to its own range. */
    private static BufferedImage featureMaps(String caption, Tensor values) {
        int h = (int) values.shape().dim(1);
        int w = (int) values.shape().dim(2);
        int channels = (int) values.shape().dim(3);
        int scale = Math.max(1, (MIN_TILE + Math.max(h, w) - 1) / Math.max(h, w));
        int columns = (int) Math.ceil(Math.sqrt(channels));
        int rows = (channels + columns - 1) / columns;
        int cellWidth = w * scale + GAP;
        int cellHeight = LABEL + h * scale + GAP;
        BufferedImage picture = canvas(Math.max(GAP + columns * cellWidth, captionWidth(caption)), TITLE + rows * cellHeight + GAP, caption);
        Graphics2D g = graphics(picture);
        double[] data = values.toDoubles();
        for (int c = 0; c < channels; c++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int p = c; p < data.length; p += channels) {
                min = Math.min(min, data[p]);
                max = Math.max(max, data[p]);
            }
            int left = GAP + (c % columns) * cellWidth;
            int top = TITLE + (c / columns) * cellHeight;
            g.setColor(TEXT);
            g.setFont(FONT);
            g.drawString("#" + c, left, top + LABEL - 3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = data[(y * w + x) * channels + c];
                    int level = max > min ? (int) Math.round(255 * (v - min) / (max - min)) : 0;
                    g.setColor(new Color(level, level, level));
                    g.fillRect(left + x * scale, top + LABEL + y * scale, scale, scale);
                }
            }
        }
        g.dispose();
        return picture;
    }

    /** A {@code [1, steps, features]} tensor as a heat map: column = step, row = feature. */
    private static BufferedImage sequence(String caption, Tensor values) {
        int steps = (int) values.shape().dim(1);
        int features = (int) values.shape().dim(2);
        double[] data = values.toDoubles();
        double largest = 0;
        for (double v : data) {
            largest = Math.max(largest, Math.abs(v));
        }
        int cell = Math.max(1, Math.min(12, MAX_STRIP_WIDTH / steps));
        int rowHeight = Math.max(2, Math.min(12, 2 * BAR_HEIGHT / features));
        String legend = String.format(Locale.ROOT, "  columns: %d steps, rows: %d features, max |v| %.3g", steps, features, largest);
        BufferedImage picture = canvas(Math.max(2 * GAP + steps * cell, captionWidth(caption + legend)),
                TITLE + features * rowHeight + GAP, caption + legend);
        Graphics2D g = graphics(picture);
        for (int t = 0; t < steps; t++) {
            for (int f = 0; f < features; f++) {
                double v = data[t * features + f];
                double strength = largest > 0 ? Math.abs(v) / largest : 0;
                Color hue = v < 0 ? NEGATIVE : POSITIVE;
                g.setColor(new Color((int) Math.round(hue.getRed() * strength), (int) Math.round(hue.getGreen() * strength),
                        (int) Math.round(hue.getBlue() * strength)));
                g.fillRect(GAP + t * cell, TITLE + f * rowHeight, cell, rowHeight);
            }
        }
        g.dispose();
        return picture;
    }

    /** One bar per value, up for positive and down for negative, scaled by the largest magnitude. */
    private static BufferedImage barStrip(String caption, Tensor values) {
        double[] data = values.toDoubles();
        int n = Math.max(1, data.length);
        int barWidth = Math.max(1, Math.min(24, MAX_STRIP_WIDTH / n));
        double largest = 0;
        boolean negative = false;
        for (double v : data) {
            largest = Math.max(largest, Math.abs(v));
            negative |= v < 0;
        }
        boolean labelled = data.length <= MAX_BAR_LABELS;
        String range = String.format(Locale.ROOT, "  max |v| %.3g", largest);
        BufferedImage picture = canvas(Math.max(2 * GAP + n * barWidth, captionWidth(caption + range)),
                TITLE + BAR_HEIGHT + (labelled ? LABEL : 0) + GAP, caption + range);
        Graphics2D g = graphics(picture);
        int baseline = TITLE + (negative ? BAR_HEIGHT / 2 : BAR_HEIGHT);
        int reach = negative ? BAR_HEIGHT / 2 : BAR_HEIGHT;
        g.setColor(TEXT.darker());
        g.drawLine(GAP, baseline, GAP + n * barWidth, baseline);
        g.setFont(FONT);
        for (int i = 0; i < data.length; i++) {
            int length = largest > 0 ? (int) Math.round(reach * Math.abs(data[i]) / largest) : 0;
            int left = GAP + i * barWidth;
            g.setColor(data[i] < 0 ? NEGATIVE : POSITIVE);
            g.fillRect(left, data[i] < 0 ? baseline : baseline - length, Math.max(1, barWidth - 1), length);
            if (labelled) {
                String label = Integer.toString(i);
                g.setColor(TEXT);
                g.drawString(label, left + (barWidth - g.getFontMetrics().stringWidth(label)) / 2, TITLE + BAR_HEIGHT + LABEL - 2);
            }
        }
        g.dispose();
        return picture;
    }

    private static BufferedImage canvas(int width, int height, String caption) {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(picture);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.setColor(TEXT);
        g.setFont(TITLE_FONT);
        g.drawString(caption, GAP, TITLE - 8);
        g.dispose();
        return picture;
    }

    private static Graphics2D graphics(BufferedImage picture) {
        Graphics2D g = picture.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    private static int captionWidth(String caption) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        int width = g.getFontMetrics(TITLE_FONT).stringWidth(caption) + 2 * GAP;
        g.dispose();
        return width;
    }
}
