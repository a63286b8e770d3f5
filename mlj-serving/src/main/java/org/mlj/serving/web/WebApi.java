package org.mlj.serving.web;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;
import org.mlj.serving.http.ApiRequest;
import org.mlj.serving.http.ApiResponse;
import org.mlj.serving.http.HttpApi;
import org.mlj.serving.inference.Inference;
import org.mlj.serving.repository.ModelRepository;
import org.mlj.serving.repository.ModelVersion;
import org.mlj.serving.repository.ServedModel;

/**
 * The web page of {@code mlj serve}, for people: {@code GET /} is a page that lists the models (versions
 * and states, signatures, layers) and has a try-it panel per model; everything it loads comes from this
 * server (no CDN). Its routes, all under {@code /web/} besides the page itself:
 * <ul>
 *   <li>{@code GET /web/static/<file>}: the page's own scripts and styles; {@code GET /web/vendor/<file>}:
 *       the TensorSpace scripts copied from npm packages at build time (absent when the build had none);</li>
 *   <li>{@code GET /web/models}: the models as the page shows them ({@link ModelOverview});</li>
 *   <li>{@code POST /web/models/<m>[/versions/<v>]/digit} (a picture as the body) and {@code .../text}
 *       ({@code {"text": "..."}}): class probabilities and every layer's activations as PNGs ({@link TryIt});</li>
 *   <li>{@code GET /web/models/<m>[/versions/<v>]/mlj.json} and {@code .../tensorspace/<file>}: the bundle's
 *       manifest and TensorSpace export, for the 3D view.</li>
 * </ul>
 * Other models are tried with TF Serving's own {@code :predict}. Errors are {@code {"error": "..."}}
 * like every other API of the server. Thread-safe.
 */
public final class WebApi implements HttpApi {
    private static final Pattern MODEL_CALL = Pattern.compile("/web/models/([^/]+)(?:/versions/(\\d{1,18}))?/(digit|text)");
    private static final Pattern BUNDLE_FILE = Pattern.compile("/web/models/([^/]+)(?:/versions/(\\d{1,18}))?/(mlj\\.json|tensorspace/([^/]+))");
    private static final Pattern ASSET = Pattern.compile("/web/(static|vendor)/([^/]+)");

    private final ModelRepository repository;
    private final Preparations preparations = new Preparations();
    private final ModelOverview overview;
    private final TryIt tryIt;

    /** Serves the page for the models of {@code repository}, running them through {@code inference}. */
    public WebApi(ModelRepository repository, Inference inference) {
        this.repository = repository;
        this.overview = new ModelOverview(repository, preparations);
        this.tryIt = new TryIt(inference);
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        if (!path.equals("/") && !path.equals("/index.html") && !path.startsWith("/web/")) {
            return Optional.empty();
        }
        request.api("web");
        if (request.method().equals("GET")) {
            return Optional.of(get(request, path));
        }
        if (request.method().equals("POST")) {
            Matcher call = MODEL_CALL.matcher(path);
            if (call.matches()) {
                ServedModel model = model(request, call.group(1), call.group(2));
                OptionalLong version = version(call.group(2));
                byte[] body = call.group(3).equals("digit")
                        ? tryIt.digit(model, version, request.body(), preparations)
                        : tryIt.text(model, version, request.body(), preparations);
                return Optional.of(ApiResponse.json(body));
            }
        }
        throw new ServingException(ErrorCode.NOT_FOUND, "No page route for " + request.method() + " " + path
                + "; the page is GET /, its data GET /web/models, its try-it calls POST /web/models/<model>/digit or /text");
    }

    private ApiResponse get(ApiRequest request, String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return WebAssets.resource("", "index.html").orElseThrow(() -> new IllegalStateException("index.html missing from the jar"));
        }
        if (path.equals("/web/models")) {
            return ApiResponse.json(overview.json());
        }
        Matcher asset = ASSET.matcher(path);
        if (asset.matches()) {
            String folder = asset.group(1) + "/";
            return WebAssets.resource(folder, asset.group(2)).orElseThrow(() -> ServingException.notFound(
                    "No file " + asset.group(2) + " in /web/" + folder + (folder.equals("vendor/")
                            ? " (the TensorSpace scripts are copied from python/tensorspace-test/node_modules at build time)" : "")));
        }
        Matcher bundleFile = BUNDLE_FILE.matcher(path);
        if (bundleFile.matches()) {
            ServedModel model = model(request, bundleFile.group(1), bundleFile.group(2));
            ModelVersion version = model.acquire(version(bundleFile.group(2)));
            try {
                if (bundleFile.group(4) == null) {
                    return WebAssets.file(version.path(), "mlj.json");
                }
                BundleInputs inputs = preparations.of(version);
                return WebAssets.file(inputs.tensorspace().orElseThrow(() -> ServingException.notFound(
                        "Model " + model.name() + " version " + version.number() + " has no TensorSpace export "
                                + "(python -m mlj_export bundle --tensorspace adds one)")), bundleFile.group(4));
            } finally {
                version.release();
            }
        }
        throw ServingException.notFound("No page route for GET " + path
                + "; the page is GET /, its data GET /web/models, its files /web/static/<file>");
    }

    private ServedModel model(ApiRequest request, String name, String version) {
        request.target(name, version);
        return repository.model(name).orElseThrow(() -> ServingException.notFound("No model named '" + name + "'; the server has "
                + repository.models().stream().map(ServedModel::name).toList()));
    }

    private static OptionalLong version(String number) {
        return number == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(number));
    }
}
