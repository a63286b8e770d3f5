package org.mlj.serving.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.serving.ModelServer;
import org.mlj.serving.config.ServerFlags;

/**
 * Test support: a real {@link ModelServer} on a free loopback port serving the page's three kinds of
 * model: {@code mnist_cnn} (an image bundle), {@code imdb_lstm} (a text bundle) and {@code
 * ffnn_savedmodel} (the bare SavedModel of {@code models/mnist_ffnn}, no mlj.json: a JSON form).
 * Each is version 1, a symbolic link to the committed model. Close it to stop the server.
 */
final class WebServer implements AutoCloseable {
    private final ModelServer server;

    private WebServer(ModelServer server) {
        this.server = server;
    }

    static WebServer start(Path dir) throws IOException {
        link(dir, "mnist_cnn", ModelFixtures.model("mnist_cnn"));
        link(dir, "imdb_lstm", ModelFixtures.model("imdb_lstm"));
        link(dir, "ffnn_savedmodel", ModelFixtures.model("mnist_ffnn").resolve("saved_model"));
        Path config = dir.resolve("models.config");
        Files.writeString(config, """
                model_config_list {
                  config { name: "mnist_cnn" base_path: "mnist_cnn" }
                  config { name: "imdb_lstm" base_path: "imdb_lstm" }
                  config { name: "ffnn_savedmodel" base_path: "ffnn_savedmodel" }
                }
                """, StandardCharsets.UTF_8);
        return new WebServer(ModelServer.start(ServerFlags.parse(new String[] {
                "--rest_api_port=0", "--model_config_file=" + config, "--file_system_poll_wait_seconds=0"})));
    }

    private static void link(Path dir, String name, Path target) throws IOException {
        Path base = Files.createDirectories(dir.resolve(name));
        Files.createSymbolicLink(base.resolve("1"), target);
    }

    /** {@code http://127.0.0.1:<port>}. */
    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
