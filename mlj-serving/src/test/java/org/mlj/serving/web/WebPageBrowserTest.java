package org.mlj.serving.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.LayerInfo;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.testing.ModelFixtures;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page of {@code mlj serve} in a real browser: Debian's chromium driven headless by Selenium
 * through the system chromedriver (never a downloaded one: the driver and browser paths are given, so
 * Selenium Manager is not asked), against the real server on a free loopback port. Skipped, with a
 * message, where chromium or chromedriver is not installed ({@code .ci/run} installs both). Screenshots go to {@code target/web-screenshots/} for a person to look at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebPageBrowserTest {
    /** Debian's chromium; {@code -Dmlj.chromium=PATH} for another. */
    private static final Path CHROMIUM = Path.of(System.getProperty("mlj.chromium", "/usr/bin/chromium"));
    /** Debian's chromium-driver; {@code -Dmlj.chromedriver=PATH} for another. */
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("mlj.chromedriver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "web-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private Path dir;

    private WebServer server;
    private ChromeDriver browser;

    private static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Each test is reported skipped, with the reason, when there is no browser. */
    @BeforeEach
    void needsTheBrowser() {
        assumeTrue(browserInstalled(), "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install chromium chromium-driver");
    }

    @BeforeAll
    void start(@TempDir Path temporary) throws IOException {
        dir = temporary;
        if (!browserInstalled()) {
            return;
        }
        server = WebServer.start(dir.resolve("models"));
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(WAIT);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private void open() {
        browser.get(server.url() + "/");
        new WebDriverWait(browser, WAIT).until(d -> body().getAttribute("data-loaded") != null);
        assertThat(body().getAttribute("data-loaded")).as("page loaded its models").isEqualTo("true");
    }

    private WebElement body() {
        return browser.findElement(By.tagName("body"));
    }

    private WebElement model(String name) {
        return browser.findElement(By.cssSelector("section.model[data-model='" + name + "']"));
    }

    /** Waits until the model's try-it panel has an answer or an error, and returns its state. */
    private String awaitPanel(WebElement section) {
        WebElement panel = section.findElement(By.cssSelector(".tryit"));
        new WebDriverWait(browser, WAIT).until(d -> List.of("done", "error").contains(panel.getAttribute("data-state")));
        return panel.getAttribute("data-state");
    }

    private String panelError(WebElement section) {
        List<WebElement> errors = section.findElements(By.cssSelector(".tryit .error"));
        return errors.isEmpty() ? "(no error shown)" : errors.get(0).getText();
    }

    /** The whole page: the window grown to the document's height first. */
    private void screenshot(String name) throws IOException {
        tall();
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }

    /** One element, whole: the window grown to the document's height first. */
    private void screenshot(String name, WebElement element) throws IOException {
        tall();
        Files.write(SCREENSHOTS.resolve(name + ".png"), element.getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1400, 1000));
    }

    private void tall() {
        long height = (Long) browser.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(12000, Math.max(1000, height))));
    }

    /** Pixels of a layer picture below its caption that differ from the picture's background. */
    private long drawnPixels(WebElement image) {
        Object count = ((JavascriptExecutor) browser).executeScript("""
                const img = arguments[0];
                if (!img.complete || img.naturalWidth === 0) return -1;
                const c = document.createElement('canvas');
                c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d');
                g.drawImage(img, 0, 0);
                const data = g.getImageData(0, 24, c.width, Math.max(1, c.height - 24)).data;
                const bg = g.getImageData(0, 0, 1, 1).data;
                let n = 0;
                for (let i = 0; i < data.length; i += 4) {
                  if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 24) n++;
                }
                return n;
                """, image);
        return ((Number) count).longValue();
    }

    /** Every layer the page lists for the model has a rendered activation picture with drawn pixels. */
    private void assertEveryLayerRendered(WebElement section, int expectedLayers) {
        List<WebElement> layerRows = section.findElements(By.cssSelector("details table tr td:nth-child(2)"));
        List<WebElement> figures = section.findElements(By.cssSelector(".layers figure"));
        assertThat(figures).as("one activation view per layer").hasSize(expectedLayers);
        for (WebElement figure : figures) {
            String layer = figure.getAttribute("data-layer");
            WebElement image = figure.findElement(By.tagName("img"));
            assertThat(drawnPixels(image)).as("drawn pixels of layer %s (%s)", layer, figure.getAttribute("data-view")).isGreaterThan(100);
        }
        assertThat(figures.stream().map(f -> f.getAttribute("data-layer")).toList()).as("layers in model order")
                .containsExactlyElementsOf(layerNames(section));
        assertThat(layerRows).isNotEmpty();
    }

    private List<String> layerNames(WebElement section) {
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) browser.executeScript(
                "return Array.from(arguments[0].querySelectorAll('details')[1].querySelectorAll('tr td:nth-child(2)')).map(td => td.textContent)",
                section);
        return names;
    }

    @Test
    void listsModelsWithVersionsSignaturesAndLayers() throws IOException {
        open();
        assertThat(browser.findElements(By.cssSelector("section.model")).stream().map(s -> s.getAttribute("data-model")).toList())
                .containsExactly("ffnn_savedmodel", "imdb_lstm", "mnist_cnn");
        WebElement cnn = model("mnist_cnn");
        assertThat(cnn.getAttribute("data-kind")).isEqualTo("image");
        assertThat(cnn.findElement(By.cssSelector("table.versions")).getText()).contains("1").contains("AVAILABLE");
        assertThat(layerNames(cnn)).as("the bundle's layers in order").containsExactlyElementsOf(
                BundleManifest.read(ModelFixtures.model("mnist_cnn")).layerInfos().stream().map(LayerInfo::name).toList());
        assertThat(model("imdb_lstm").getAttribute("data-kind")).isEqualTo("text");
        assertThat(model("ffnn_savedmodel").getAttribute("data-kind")).isEqualTo("other");
        screenshot("01-models");
    }

    @Test
    void aSampleDigitDrawnOnTheCanvasIsClassifiedWithEveryLayerShown() throws IOException {
        open();
        WebElement cnn = model("mnist_cnn");
        Path sample = ModelFixtures.root().resolve("samples/digits/7_1.png");
        String png = Base64.getEncoder().encodeToString(Files.readAllBytes(sample));
        // Draw the committed MNIST sample (white on black) into the canvas, scaled to fill it, then classify.
        browser.executeAsyncScript("""
                const [canvas, src, done] = arguments;
                const img = new Image();
                img.onload = () => { const g = canvas.getContext('2d'); g.imageSmoothingEnabled = true;
                  g.drawImage(img, 0, 0, canvas.width, canvas.height); done(); };
                img.src = 'data:image/png;base64,' + src;
                """, cnn.findElement(By.cssSelector("canvas.draw")), png);
        // Twice: the first request of a fresh server also warms it up; the second shows a typical latency.
        for (int attempt = 0; attempt < 2; attempt++) {
            cnn.findElement(By.cssSelector("button.classify")).click();
            assertThat(awaitPanel(cnn)).as(panelError(cnn)).isEqualTo("done");
        }
        assertThat(cnn.findElement(By.cssSelector(".predicted")).getText()).isEqualTo("7");
        assertThat(cnn.findElement(By.cssSelector(".output .meta")).getText()).contains("answered by").contains("version 1").contains("ms");
        assertEveryLayerRendered(cnn, layerNames(cnn).size());
        assertThat(cnn.findElements(By.cssSelector(".layers figure[data-view='feature_maps']"))).as("conv and pool grids").isNotEmpty();
        assertThat(cnn.findElements(By.cssSelector(".layers figure[data-view='bars']"))).as("dense bar strips").isNotEmpty();
        screenshot("02-mnist_cnn-sample-7", cnn);
        screenshot("02-page-after-digit");
    }

    @Test
    void aDigitDrawnWithTheMouseIsClassified() throws IOException {
        open();
        WebElement cnn = model("mnist_cnn");
        WebElement canvas = cnn.findElement(By.cssSelector("canvas.draw"));
        // A "1": one vertical stroke in the middle of the 280x280 canvas (offsets are from its centre).
        new Actions(browser).moveToElement(canvas, 0, -80).clickAndHold().moveByOffset(0, 40).moveByOffset(0, 40)
                .moveByOffset(0, 40).moveByOffset(0, 40).release().perform();
        assertThat(awaitPanel(cnn)).as(panelError(cnn)).isEqualTo("done");
        assertThat(cnn.findElement(By.cssSelector(".predicted")).getText()).isEqualTo("1");
        assertEveryLayerRendered(cnn, layerNames(cnn).size());
        screenshot("03-mnist_cnn-mouse-1", cnn);
    }

    @Test
    void reviewsAreClassifiedWithEveryLayerShown() throws IOException {
        open();
        WebElement lstm = model("imdb_lstm");
        Map<String, String> reviews = Map.of(
                "positive", "One of the best films I have ever seen. Brilliant acting, a wonderful story, beautiful and moving. A masterpiece.",
                "negative", "The worst movie I have ever seen. Boring, stupid and badly acted; a complete waste of time. Awful.");
        for (Map.Entry<String, String> review : reviews.entrySet()) {
            WebElement text = lstm.findElement(By.cssSelector("textarea.text"));
            text.clear();
            text.sendKeys(review.getValue());
            lstm.findElement(By.cssSelector("button.classify")).click();
            assertThat(awaitPanel(lstm)).as(panelError(lstm)).isEqualTo("done");
            assertThat(lstm.findElement(By.cssSelector(".predicted")).getText()).as(review.getValue()).isEqualTo(review.getKey());
            assertEveryLayerRendered(lstm, layerNames(lstm).size());
            screenshot("04-imdb_lstm-" + review.getKey(), lstm);
        }
    }

    @Test
    void brokenRequestsShowReadableErrors() throws IOException {
        open();
        // A file that is no picture, uploaded to the digit panel: the server's 400 message is shown.
        Path notAPicture = Files.writeString(dir.resolve("not-a-picture.png"), "this is text, not a PNG");
        WebElement cnn = model("mnist_cnn");
        cnn.findElement(By.cssSelector("input.upload")).sendKeys(notAPicture.toAbsolutePath().toString());
        assertThat(awaitPanel(cnn)).isEqualTo("error");
        assertThat(panelError(cnn)).contains("HTTP 400").contains("not a picture");

        // A :predict request naming an input the model does not have.
        WebElement ffnn = model("ffnn_savedmodel");
        WebElement json = ffnn.findElement(By.cssSelector("textarea.json"));
        json.clear();
        json.sendKeys("{\"inputs\": {\"no_such_input\": [[1, 2, 3]]}}");
        ffnn.findElement(By.cssSelector("button.classify")).click();
        assertThat(awaitPanel(ffnn)).isEqualTo("error");
        assertThat(panelError(ffnn)).contains("HTTP 400").contains("Missing named input").contains("pixels");

        // Not JSON at all: the page says so before sending.
        json.clear();
        json.sendKeys("{not json");
        ffnn.findElement(By.cssSelector("button.classify")).click();
        assertThat(awaitPanel(ffnn)).isEqualTo("error");
        assertThat(panelError(ffnn)).contains("not valid JSON");
        screenshot("05-error", ffnn);
    }

    @Test
    void theJsonFormSendsPredictAndShowsTheResponse() {
        open();
        WebElement ffnn = model("ffnn_savedmodel");
        ffnn.findElement(By.cssSelector("button.classify")).click(); // the template: one example of zeros
        assertThat(awaitPanel(ffnn)).as(panelError(ffnn)).isEqualTo("done");
        assertThat(ffnn.findElement(By.cssSelector("pre.response")).getText()).contains("\"outputs\"");
        assertThat(ffnn.findElement(By.cssSelector(".output .meta")).getText()).contains("round trip");
    }

    /** Whether a file exists in the jar's resources, i.e. was copied at build time. */
    static boolean vendored(String name) {
        return WebPageBrowserTest.class.getClassLoader().getResource("org/mlj/serving/web/vendor/" + name) != null;
    }

    @Test
    void theTensorSpaceViewLoadsTheBundlesExport() throws IOException {
        assumeTrue(vendored("tensorspace.min.js"), "the TensorSpace scripts were not copied at build time "
                + "(python/tensorspace-test/node_modules missing: the root build runs npm ci there unless -Dmlj.skipPython)");
        open();
        WebElement cnn = model("mnist_cnn");
        WebElement view = cnn.findElement(By.cssSelector("details.tensorspace"));
        view.findElement(By.tagName("summary")).click();
        view.findElement(By.cssSelector("button.show3d")).click();
        WebElement box = view.findElement(By.cssSelector(".view3d-box"));
        new WebDriverWait(browser, WAIT).until(d -> List.of("done", "error").contains(box.getAttribute("data-state")));
        assertThat(box.getAttribute("data-state")).as(box.getText()).isEqualTo("done");
        assertThat(box.findElements(By.tagName("canvas"))).isNotEmpty();
        // A digit tried in the panel is run in the 3D view too (TensorFlow.js in the browser).
        new Actions(browser).moveToElement(cnn.findElement(By.cssSelector("canvas.draw")), 0, -80).clickAndHold()
                .moveByOffset(0, 80).moveByOffset(0, 80).release().perform();
        assertThat(awaitPanel(cnn)).as(panelError(cnn)).isEqualTo("done");
        new WebDriverWait(browser, WAIT).until(d -> "true".equals(box.getAttribute("data-predicted")));
        screenshot("06-tensorspace", box);
    }
}
