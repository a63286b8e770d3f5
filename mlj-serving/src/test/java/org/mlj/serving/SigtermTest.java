package org.mlj.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code mlj serve} entry point in a child JVM: SIGTERM with requests in flight lets
 * them finish with 200, then the process exits with status 0.
 */
class SigtermTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private record Outcome(long startNanos, long endNanos, int status, String error) {
    }

    @Test
    void sigtermDrainsRequestsInFlightAndExitsZero(@TempDir Path dir) throws Exception {
        Path base = ServingHarness.basePath(dir, "lstm", "imdb_lstm");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                // jHDF (on the dl4j classpath) ships a simplelogger.properties that sends logs to stdout
                "-Dorg.slf4j.simpleLogger.logFile=System.err", ServeMain.class.getName(),
                "--rest_api_port=0", "--model_name=lstm", "--model_base_path=" + base, "--backend=tensorflow", "--drain_seconds=30");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process server = builder.start();
        try {
            int port = awaitPort(server);
            String tokens = "[" + "7,".repeat(199) + "7]";
            String body = "{\"instances\": [" + (tokens + ",").repeat(383) + tokens + "]}"; // 384 reviews: tens of ms each
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int t = 0; t < 4; t++) {
                running.add(clients.submit(() -> {
                    for (int i = 0; i < 200 && System.nanoTime() < stopAt; i++) { // bounded
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                    + "/v1/models/lstm:predict")).timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            outcomes.add(new Outcome(start, System.nanoTime(), response.statusCode(), response.body()));
                            if (response.statusCode() != 200) {
                                return;
                            }
                        } catch (IOException e) {
                            outcomes.add(new Outcome(start, System.nanoTime(), -1, e.toString()));
                            return; // the server has closed: stop this client
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outcomes.stream().filter(o -> o.status() == 200).count() < 8 && System.nanoTime() < warm) {
                Thread.sleep(20);
            }
            long signal = System.nanoTime();
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("server exited").isTrue();
            for (Future<?> c : running) {
                c.get(60, TimeUnit.SECONDS);
            }
            clients.shutdown();
            assertThat(server.exitValue()).isZero();
            List<Outcome> inFlight = outcomes.stream().filter(o -> o.startNanos() < signal && o.endNanos() > signal).toList();
            assertThat(inFlight).as("requests in flight at SIGTERM").isNotEmpty();
            // Every request that reached a worker before the signal completed; later ones were refused or found the port closed.
            assertThat(inFlight).allSatisfy(o -> assertThat(o.status()).as(o.error() == null ? "" : o.error().substring(0, Math.min(200, o.error().length())))
                    .isIn(200, 503, -1));
            assertThat(inFlight.stream().filter(o -> o.status() == 200)).isNotEmpty();
            assertThat(outcomes.stream().filter(o -> o.endNanos() < signal)).allSatisfy(o -> assertThat(o.status()).isEqualTo(200));
            String log = java.nio.file.Files.readString(dir.resolve("stderr.log"));
            assertThat(log).contains("event=draining").contains("event=stopped");
        } finally {
            server.destroyForcibly();
        }
    }

    private static int awaitPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 200; i++) { // bounded: the line comes within the first few
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("mlj serve exited before listening");
            }
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("mlj serve printed no 'listening on' line");
    }
}
