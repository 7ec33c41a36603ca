package genpay.browser;

import genpay.TestEngine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;


/**
 * Headless Debian Chromium driven through chromedriver's W3C WebDriver API, spoken with Vert.x's web client.
 * Without Chromium the tests are skipped with a message, except in CI, where they fail. Public: scripts/bench
 * drives an order with it too.
 */
public final class Browser implements AutoCloseable {

  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Resolves once every <video> of the page can play (readyState >= 2) and the order says it is ready. */
  public static final String AWAIT_VIDEOS = """
      const done = arguments[arguments.length - 1];
      const expected = arguments[0];
      const check = () => {
        const videos = [...document.querySelectorAll('video')];
        if (videos.length === expected && videos.every(v => v.readyState >= 2)
            && document.getElementById('headline').textContent === 'Your videos are ready') {
          done(videos.map(v => v.readyState));
          return true;
        }
        videos.forEach(v => v.addEventListener('loadeddata', check, {once: true}));
        return false;
      };
      if (!check()) { new MutationObserver(check).observe(document.body, {subtree: true, childList: true,
        characterData: true}); }
      """;

  private final Process driver;
  private final WebClient client;
  private final String base;
  private final Path profile;
  private String session;

  private Browser(Process driver, WebClient client, int port, Path profile) {
    this.driver = driver;
    this.client = client;
    this.base = "http://127.0.0.1:" + port;
    this.profile = profile;
  }

  public static Browser launch(Vertx vertx) throws Exception {
    return launch(vertx, false);
  }

  /**
   * {@code acceptDevCertificate}: this Chromium alone accepts a self-signed certificate (WebDriver's
   * acceptInsecureCerts), as a developer does once for scripts/dev-cert's.
   */
  public static Browser launch(Vertx vertx, boolean acceptDevCertificate) throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException("CI needs Debian's chromium and chromium-driver (.ci/run installs them)");
      }
      Assumptions.abort("Browser tests skipped: no /usr/bin/chromium and /usr/bin/chromedriver "
          + "(apt-get install chromium chromium-driver)");
    }
    int port = TestEngine.freePort();
    Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(driver.getInputStream()))) {
        for (String line; (line = lines.readLine()) != null; ) {
          if (line.contains("started successfully")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("chromedriver exited"));
    }, "chromedriver-output");
    reader.setDaemon(true);
    reader.start();
    ready.get(30, TimeUnit.SECONDS);
    Path profile = Files.createTempDirectory("genpay-chromium-");
    Browser browser = new Browser(driver, WebClient.create(vertx), port, profile);
    browser.open(acceptDevCertificate);
    return browser;
  }

  private void open(boolean acceptInsecureCerts) {
    JsonObject options = new JsonObject()
        .put("binary", CHROMIUM.toString())
        .put("args", new JsonArray(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required", "--window-size=1200,1600",
            "--user-data-dir=" + profile)));
    JsonObject capabilities = new JsonObject().put("alwaysMatch", new JsonObject()
        .put("browserName", "chrome")
        .put("goog:chromeOptions", options)
        .put("goog:loggingPrefs", new JsonObject().put("performance", "ALL")));
    if (acceptInsecureCerts) {
      capabilities.getJsonObject("alwaysMatch").put("acceptInsecureCerts", true);
    }
    JsonObject created = (JsonObject) call("POST", "/session", new JsonObject().put("capabilities", capabilities));
    session = created.getString("sessionId");
    call("POST", "/session/" + session + "/timeouts", new JsonObject()
        .put("implicit", 20_000).put("script", 90_000).put("pageLoad", 30_000));
  }

  public void go(String url) {
    call("POST", "/session/" + session + "/url", new JsonObject().put("url", url));
  }

  /** Waits (implicitly, up to 20 s) for the element to exist. */
  public String find(String css) {
    JsonObject found = (JsonObject) call("POST", "/session/" + session + "/element",
        new JsonObject().put("using", "css selector").put("value", css));
    return found.getString(ELEMENT);
  }

  public void click(String css) {
    call("POST", "/session/" + session + "/element/" + find(css) + "/click", new JsonObject());
  }

  public void type(String css, String text) {
    call("POST", "/session/" + session + "/element/" + find(css) + "/value", new JsonObject().put("text", text));
  }

  public Object run(String script, Object... args) {
    return callValue("/execute/sync", script, args);
  }

  /** Runs a script that calls its last argument (the callback) when done: how a test awaits the page. */
  public Object awaitScript(String script, Object... args) {
    return callValue("/execute/async", script, args);
  }

  /** Opens a new tab and makes it the current window; answers its handle. */
  public String newTab() {
    String handle = ((JsonObject) call("POST", "/session/" + session + "/window/new",
        new JsonObject().put("type", "tab"))).getString("handle");
    switchTo(handle);
    return handle;
  }

  public String window() {
    return (String) call("GET", "/session/" + session + "/window", null);
  }

  public void switchTo(String handle) {
    call("POST", "/session/" + session + "/window", new JsonObject().put("handle", handle));
  }

  /** Closes the current window (its page gets pagehide, as when a person closes the tab). */
  public void closeWindow() {
    call("DELETE", "/session/" + session + "/window", null);
  }

  /**
   * The answers the browser got since the last call, from Chromium's DevTools log (headers received, so a
   * stream still open counts): each with its url, status, protocol (h2, http/1.1) and connectionId.
   */
  public List<JsonObject> networkResponses() {
    JsonArray entries = (JsonArray) call("POST", "/session/" + session + "/se/log",
        new JsonObject().put("type", "performance"));
    return entries.stream()
        .map(entry -> new JsonObject(((JsonObject) entry).getString("message")).getJsonObject("message"))
        .filter(message -> "Network.responseReceived".equals(message.getString("method")))
        .map(message -> message.getJsonObject("params").getJsonObject("response"))
        .toList();
  }

  /** A Chrome DevTools Protocol command on the current tab, through chromedriver; answers its result. */
  public JsonObject cdp(String command, JsonObject params) {
    Object result = call("POST", "/session/" + session + "/goog/cdp/execute",
        new JsonObject().put("cmd", command).put("params", params));
    return result instanceof JsonObject json ? json : new JsonObject();
  }

  public String url() {
    return (String) call("GET", "/session/" + session + "/url", null);
  }

  void screenshot(Path file) throws IOException {
    String png = (String) call("GET", "/session/" + session + "/screenshot", null);
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(png));
  }

  /** Every request the page made since the last call, from Chromium's DevTools log: URLs in order. */
  public List<String> requests() {
    JsonArray entries = (JsonArray) call("POST", "/session/" + session + "/se/log",
        new JsonObject().put("type", "performance"));
    return entries.stream()
        .map(entry -> new JsonObject(((JsonObject) entry).getString("message")).getJsonObject("message"))
        .filter(message -> "Network.requestWillBeSent".equals(message.getString("method")))
        .map(message -> message.getJsonObject("params").getJsonObject("request").getString("url"))
        .toList();
  }

  /** The answers the page got since the last call, from Chromium's DevTools log: "status url", in order. */
  public List<String> responses() {
    JsonArray entries = (JsonArray) call("POST", "/session/" + session + "/se/log",
        new JsonObject().put("type", "performance"));
    return entries.stream()
        .map(entry -> new JsonObject(((JsonObject) entry).getString("message")).getJsonObject("message"))
        .filter(message -> "Network.responseReceived".equals(message.getString("method")))
        .map(message -> message.getJsonObject("params").getJsonObject("response"))
        .map(response -> response.getInteger("status") + " " + response.getString("url"))
        .toList();
  }

  private Object callValue(String path, String script, Object... args) {
    return call("POST", "/session/" + session + path,
        new JsonObject().put("script", script).put("args", new JsonArray(List.of(args))));
  }

  /** The "value" of the WebDriver answer. */
  private Object call(String method, String path, JsonObject body) {
    var request = client.requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), base + path).timeout(120_000);
    HttpResponse<Buffer> response = TestEngine.await(body == null ? request.send() : request.sendJsonObject(body));
    JsonObject json = response.bodyAsJsonObject();
    if (response.statusCode() != 200) {
      throw new IllegalStateException("WebDriver " + method + " " + path + ": " + json.encode());
    }
    return json.getValue("value");
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", "/session/" + session, null);
      }
    } finally {
      driver.destroy();
    }
  }
}
