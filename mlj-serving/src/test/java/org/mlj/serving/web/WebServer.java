package org.mlj.serving.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** The three models on the loader's default backend. */
    static WebServer start(Path dir) throws IOException {
        return start(dir, Map.of("mnist_cnn", ModelFixtures.model("mnist_cnn"), "imdb_lstm", ModelFixtures.model("imdb_lstm"),
                "ffnn_savedmodel", ModelFixtures.model("mnist_ffnn").resolve("saved_model")));
    }

    /** These models (name: version 1's directory), with extra server flags such as {@code --backend=dl4j}. */
    static WebServer start(Path dir, Map<String, Path> models, String... flags) throws IOException {
        StringBuilder config = new StringBuilder("model_config_list {\n");
        for (Map.Entry<String, Path> model : new TreeMap<>(models).entrySet()) {
            link(dir, model.getKey(), model.getValue());
            config.append("  config { name: \"").append(model.getKey()).append("\" base_path: \"").append(model.getKey()).append("\" }\n");
        }
        Path file = dir.resolve("models.config");
        Files.writeString(file, config.append("}\n"), StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of("--rest_api_port=0", "--model_config_file=" + file, "--file_system_poll_wait_seconds=0"));
        all.addAll(List.of(flags));
        return new WebServer(ModelServer.start(ServerFlags.parse(all.toArray(new String[0]))));
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
