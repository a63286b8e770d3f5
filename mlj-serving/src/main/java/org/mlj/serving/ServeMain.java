package org.mlj.serving;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.mlj.serving.config.ServerFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mlj serve} entry point (also {@code ./mlj serve}): parses TF Serving-style flags,
 * starts a {@link ModelServer}, and serves until the process is told to stop. On SIGTERM or SIGINT
 * a shutdown hook drains the requests in flight, unloads the models and ends the process with
 * exit status 0 (a JVM ended by a signal otherwise reports 143).
 */
public final class ServeMain {
    private static final Logger LOG = LoggerFactory.getLogger(ServeMain.class);

    private ServeMain() {
    }

    /** Runs the server; returns only on a usage error (exit status 2), for {@code --help}/{@code --version} (0), or a start-up failure (1). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        ServerFlags flags;
        try {
            flags = ServerFlags.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("mlj serve: " + e.getMessage());
            return 2;
        }
        if (flags.help()) {
            out.print(ServerFlags.usage());
            return 0;
        }
        if (flags.version()) {
            out.println("mlj serve " + ModelServer.VERSION);
            return 0;
        }
        ModelServer server;
        try {
            server = ModelServer.start(flags);
        } catch (Exception e) {
            err.println("mlj serve: " + e.getMessage());
            LOG.debug("start-up failed", e);
            return 1;
        }
        out.println("mlj serve: listening on http://" + server.host() + ":" + server.port() + " (models: "
                + server.repository().models().stream().map(m -> m.name() + " " + m.serving().keySet()).toList() + ")");
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                stopped.countDown();
                out.flush();
                // Drained cleanly: report success rather than the signal's 143.
                Runtime.getRuntime().halt(0);
            }
        }, "mlj-serve-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code java org.mlj.serving.ServeMain --rest_api_port=8501 --model_name=m --model_base_path=/models/m}. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }
}
