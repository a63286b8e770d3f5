package org.mlj.serving.http;

import java.util.Objects;

/**
 * One HTTP request as the APIs see it: method, decoded path, body (already read within the size
 * limit). The API that handles it records which API, model and version it concerned, for metrics
 * and the access log. Used by one thread at a time.
 */
public final class ApiRequest {
    private final String method;
    private final String path;
    private final byte[] body;
    private String api = "none";
    private String model = "";
    private String version = "";

    /** A request. */
    public ApiRequest(String method, String path, byte[] body) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** {@code GET}, {@code POST}, ... */
    public String method() {
        return method;
    }

    /** The path without query string. */
    public String path() {
        return path;
    }

    /** The body; empty when there is none. */
    public byte[] body() {
        return body;
    }

    /** Records the API ({@code tfserving}, {@code oip}, ...) that handled the request. */
    public void api(String name) {
        this.api = name;
    }

    /** Records the model and version (may be empty) the request concerned. */
    public void target(String modelName, String versionNumber) {
        this.model = modelName == null ? "" : modelName;
        this.version = versionNumber == null ? "" : versionNumber;
    }

    /** The API label. */
    public String api() {
        return api;
    }

    /** The model label. */
    public String model() {
        return model;
    }

    /** The version label. */
    public String version() {
        return version;
    }
}
