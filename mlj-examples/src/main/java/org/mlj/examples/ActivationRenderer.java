package org.mlj.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mlj.api.LayerInfo;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.ActivationImages;

/**
 * Writes the layer outputs (activations) of one example as files: one PNG per layer drawn by
 * {@link ActivationImages} (the same pictures {@code mlj serve}'s web page shows) and an
 * {@code index.html} that shows them in model order with each layer's name, class and shape.
 * Stateless and thread-safe.
 */
public final class ActivationRenderer {
    private final ActivationImages images = new ActivationImages();

    /**
     * Writes {@code 00_input.png}, one {@code NN_<layer>.png} per layer and {@code index.html} into {@code dir}.
     *
     * @param dir output directory, created if missing
     * @param title heading of the page, e.g. the model, picture and prediction
     * @param input the model input of one example ({@code [1, ...]})
     * @param layers the layers to draw, in model order
     * @param activations the outputs of those layers for {@code input}
     * @return the files written, {@code index.html} last
     */
    public List<Path> render(Path dir, String title, Tensor input, List<LayerInfo> layers, Outputs activations) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title>\n<style>body{background:#111;color:#ddd;font-family:sans-serif;margin:2em}"
                        + "section{margin:1.5em 0}h2{margin:0.2em 0;font-size:1.1em}p{margin:0.2em 0 0.6em;color:#aaa}</style>"
                        + "</head><body>\n<h1>").append(escape(title)).append("</h1>\n");
        written.add(section(html, dir, 0, "input", "model input", input));
        for (int i = 0; i < layers.size(); i++) {
            LayerInfo layer = layers.get(i);
            written.add(section(html, dir, i + 1, layer.name(), layer.className(), activations.get(layer.name())));
        }
        html.append("</body></html>\n");
        Path index = dir.resolve("index.html");
        Files.writeString(index, html, StandardCharsets.UTF_8);
        written.add(index);
        return written;
    }

    private Path section(StringBuilder html, Path dir, int position, String name, String className, Tensor values) throws IOException {
        Path file = dir.resolve(String.format(Locale.ROOT, "%02d_%s.png", position, name.replaceAll("[^A-Za-z0-9_.-]", "_")));
        Files.write(file, images.png(ActivationImages.caption(name, className, values), values));
        html.append("<section><h2>").append(position).append(". ").append(escape(name)).append("</h2><p>")
                .append(escape(className)).append(" &middot; ").append(values.dtype()).append(' ').append(values.shape())
                .append("</p><img src=\"").append(escape(file.getFileName().toString())).append("\" alt=\"")
                .append(escape(name)).append("\"></section>\n");
        return file;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
