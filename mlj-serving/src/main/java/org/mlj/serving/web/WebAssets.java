package org.mlj.serving.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.mlj.serving.ServingException;
import org.mlj.serving.http.ApiResponse;

/**
 * The page's static files: its own HTML, JavaScript and CSS, and the TensorSpace scripts copied from
 * npm packages at build time, all read from the classpath under {@code org/mlj/serving/web/}; and
 * files of a bundle's TensorSpace export read from disk. Names are single path segments of
 * letters, digits, {@code _ . -} (no directories, no {@code ..}). Thread-safe.
 */
final class WebAssets {
    private static final String ROOT = "org/mlj/serving/web/";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "png", "image/png",
            "bin", "application/octet-stream");

    private WebAssets() {
    }

    /** A classpath file under {@code org/mlj/serving/web/<folder>}, or empty when there is none. */
    static Optional<ApiResponse> resource(String folder, String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try (InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(ROOT + folder + name)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new ApiResponse(200, type(name), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the page resource " + ROOT + folder + name, e);
        }
    }

    /** A file directly in {@code directory}. */
    static ApiResponse file(Path directory, String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw ServingException.invalid("Bad file name '" + name + "': expected one path segment of letters, digits, '_', '.', '-'");
        }
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw ServingException.notFound("No file " + name + " in " + directory.getFileName());
        }
        try {
            return new ApiResponse(200, type(name), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
