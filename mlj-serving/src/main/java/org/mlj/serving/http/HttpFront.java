package org.mlj.serving.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;
import org.mlj.serving.json.JsonBodies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer: the JDK's {@code com.sun.net.httpserver} (no extra jar) with one accepting
 * thread and a bounded pool of request workers beside it. A request is read within the body limit
 * (413 naming the limit), routed to the first {@link HttpApi} that claims its path, and answered as
 * JSON; a {@link ServingException} becomes {@code {"error": "..."}} with its status. When every
 * worker is busy and the queue is full, requests are answered 503 by a separate thread instead of
 * being dropped.
 *
 * <p><b>Thread-safety:</b> start once, stop once; requests run concurrently. {@link #stop} stops
 * accepting and waits for requests in flight (the drain on SIGTERM).
 */
public final class HttpFront {
    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("org.mlj.serving.access");
    /** How much of an oversized body is read and dropped before answering 413. */
    private static final long DRAIN_LIMIT = 256L << 20;
    private static final ThreadLocal<Boolean> OVERLOADED = ThreadLocal.withInitial(() -> false);

    static {
        // The JDK server leaves Nagle's algorithm on unless this is set before its first use: the
        // response's header and body segments then wait for the client's delayed ACK, ~40 ms per
        // request on Linux loopback (measured: FFNN p50 48 ms at any concurrency). Respect a value set
        // on the command line.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ExecutorService overflow;
    private final long maxBodyBytes;
    private final boolean cors;
    private final boolean accessLog;
    private final List<HttpApi> apis;
    private final RequestObserver observer;
    private final int queueCapacity;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean draining;

    /**
     * Binds the socket (not yet serving).
     *
     * @param host the address to bind, e.g. {@code 127.0.0.1}
     * @param port the port; 0 picks a free one ({@link #port()})
     * @param threads request worker threads
     * @param queueCapacity requests waiting for a worker before 503s
     * @param maxBodyBytes the largest request body accepted
     * @param cors whether to send TF Serving's CORS headers
     * @param accessLog whether to log one line per request
     * @param apis the APIs, asked in order
     * @param observer told about every request
     * @throws IOException if the address cannot be bound
     */
    public HttpFront(String host, int port, int threads, int queueCapacity, long maxBodyBytes, boolean cors, boolean accessLog,
                     List<HttpApi> apis, RequestObserver observer) throws IOException {
        this.maxBodyBytes = maxBodyBytes;
        this.cors = cors;
        this.accessLog = accessLog;
        this.apis = List.copyOf(apis);
        this.observer = observer;
        this.queueCapacity = queueCapacity;
        AtomicInteger counter = new AtomicInteger();
        this.overflow = Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "mlj-http-overload"));
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
                runnable -> daemon(runnable, "mlj-http-" + counter.incrementAndGet()), (runnable, pool) -> overflow.execute(() -> {
                    OVERLOADED.set(true);
                    try {
                        runnable.run();
                    } finally {
                        OVERLOADED.set(false);
                    }
                }));
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        server.setExecutor(workers);
        server.createContext("/", this::exchange);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Starts accepting connections. */
    public void start() {
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address, e.g. {@code 127.0.0.1}. */
    public String host() {
        return server.getAddress().getHostString();
    }

    /**
     * Drains: requests arriving from now on are answered 503 ("shutting down"), requests in flight
     * are waited for up to {@code drainSeconds}; then the socket closes. (The JDK 17
     * {@code HttpServer.stop(delay)} always waits the whole delay, so the wait is done here.)
     */
    public void stop(int drainSeconds) {
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        try {
            while (active.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (active.get() > 0) {
            LOG.warn("event=drain_timeout still_in_flight={} drain_seconds={}", active.get(), drainSeconds);
        }
        server.stop(0);
        workers.shutdown();
        overflow.shutdown();
    }

    private void exchange(HttpExchange exchange) {
        long start = System.nanoTime();
        observer.started();
        ApiRequest request = new ApiRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), new byte[0]);
        ApiResponse response;
        boolean counted = !draining;
        if (counted) {
            active.incrementAndGet();
        }
        try {
            if (!counted) {
                discardBody(exchange);
                throw new ServingException(ErrorCode.UNAVAILABLE, "Server is shutting down");
            }
            if (OVERLOADED.get()) {
                discardBody(exchange);
                throw new ServingException(ErrorCode.UNAVAILABLE, "Server overloaded: all request threads are busy and "
                        + queueCapacity + " requests are queued; retry later");
            }
            request = new ApiRequest(request.method(), request.path(), readBody(exchange));
            response = route(request);
        } catch (ServingException e) {
            if (e.code().httpStatus() >= 500 && e.getCause() != null) {
                LOG.error("event=request_failed method={} path={} status={} error=\"{}\"", request.method(), request.path(),
                        e.code().httpStatus(), e.getMessage(), e.getCause());
            }
            response = ApiResponse.json(e.code().httpStatus(), JsonBodies.error(e.getMessage()));
        } catch (RuntimeException | Error e) {
            LOG.error("event=request_failed method={} path={} error=\"{}\"", request.method(), request.path(), e.toString(), e);
            response = ApiResponse.json(500, JsonBodies.error("Internal error: " + e));
        }
        try {
            send(exchange, response);
        } finally {
            if (counted) {
                active.decrementAndGet();
            }
        }
        long nanos = System.nanoTime() - start;
        observer.finished(request, response.status(), nanos);
        if (accessLog) {
            ACCESS.info("event=request method={} path={} status={} api={} model={} version={} ms={}", request.method(), request.path(),
                    response.status(), request.api(), request.model(), request.version(), String.format("%.3f", nanos / 1e6));
        }
    }

    private ApiResponse route(ApiRequest request) {
        for (HttpApi api : apis) {
            Optional<ApiResponse> response = api.handle(request);
            if (response.isPresent()) {
                return response.get();
            }
        }
        throw ServingException.notFound("No route for " + request.method() + " " + request.path()
                + "; mlj serves /v1/models/... (TensorFlow Serving REST), /v2/... (Open Inference Protocol) and /metrics");
    }

    private byte[] readBody(HttpExchange exchange) {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        boolean declaredTooLarge = false;
        if (declared != null) {
            try {
                declaredTooLarge = Long.parseLong(declared.trim()) > maxBodyBytes;
            } catch (NumberFormatException e) {
                throw ServingException.invalid("Content-Length " + declared + " is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[16384];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
                if (declaredTooLarge || total > maxBodyBytes) {
                    // Read (and drop) the rest, within reason, so the client gets the 413 instead of a reset connection.
                    drain(in);
                    throw tooLarge();
                }
                body.write(buffer, 0, read);
            }
            if (declaredTooLarge) {
                throw tooLarge();
            }
            return body.toByteArray();
        } catch (IOException e) {
            throw new ServingException(ErrorCode.INVALID_ARGUMENT, "Could not read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops a body that will not be used (a 503), within {@link #DRAIN_LIMIT}: the JDK
     * server drains only 64 KB on close and otherwise closes the socket with the rest unread, which
     * resets the connection and loses the answer (the client sees "received no bytes").
     */
    private static void discardBody(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            drain(in);
        } catch (IOException e) {
            LOG.debug("event=body_not_drained error=\"{}\"", e.getMessage());
        }
    }

    /** Reads and drops up to {@link #DRAIN_LIMIT} bytes (a read loop: skip() on the JDK's body stream reads past the body's end). */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[16384];
        long dropped = 0;
        int read;
        while (dropped < DRAIN_LIMIT && (read = in.read(buffer)) >= 0) {
            dropped += read;
        }
    }

    private ServingException tooLarge() {
        return new ServingException(ErrorCode.PAYLOAD_TOO_LARGE, "Request body is larger than the limit of " + maxBodyBytes
                + " bytes (--max_request_bytes)");
    }

    private void send(HttpExchange exchange, ApiResponse response) {
        try {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            if (cors) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, GET");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
            }
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("event=response_not_sent error=\"{}\"", e.getMessage());
        } finally {
            exchange.close();
        }
    }
}
