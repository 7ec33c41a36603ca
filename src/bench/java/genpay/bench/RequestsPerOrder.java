package genpay.bench;

import genpay.browser.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

import java.util.Map;
import java.util.TreeMap;

/**
 * Real orders in headless Chromium, from the tool page to every video playable, against an engine with both
 * sandboxes and its worker on; the engine's own request counters tell what each order cost, by route.
 */
final class RequestsPerOrder {

  record Result(int orders, int videosPerOrder, Map<String, Double> perOrderByRoute, double browserApiPerOrder,
                double allPerOrder) {
  }

  private RequestsPerOrder() {
  }

  static Result run(Vertx vertx, EngineProcess engine, int orders, int videos) throws Exception {
    String origin = "http://127.0.0.1:" + engine.port;
    Map<String, Double> before = requestsByRoute(engine);
    try (Browser browser = Browser.launch(vertx)) {
      for (int order = 0; order < orders; order++) {
        browser.go(origin + "/en/tool/veo3-video");
        // The page restores the last order's prompt: clear it, or each order's prompt grows by the last one's.
        browser.run("document.getElementById('prompt').value = '';");
        browser.type("#prompt", "Benchmark order " + order + ": a paper boat on a rainy street");
        browser.run("const q = document.getElementById('quantity'); q.value = arguments[0];"
            + "q.dispatchEvent(new Event('change'));", String.valueOf(videos));
        browser.click("#submit");
        browser.click("#pay");
        JsonArray playable;
        try {
          playable = (JsonArray) browser.awaitScript(Browser.AWAIT_VIDEOS, videos);
        } catch (IllegalStateException timedOut) {
          String url = browser.url();
          String sessionId = url.substring(url.lastIndexOf('/') + 1);
          throw new IllegalStateException("order " + order + " did not finish: the page at " + url
              + " says " + browser.run("return document.body.innerText.slice(0, 600);")
              + "\nthe engine says: " + engine.get("/api/webhook-status/" + sessionId).body()
              + "\nprovider calls: " + Prometheus.byLabels(engine.get("/metrics").body(), "genpay_provider_calls_total",
              "operation", "status") + "\nengine log:\n" + engine.logTail(30), timedOut);
        }
        if (playable.size() != videos) {
          throw new IllegalStateException("order " + order + " ended with " + playable + " playable videos");
        }
      }
      browser.go("about:blank");
    }
    // A request is counted when its response ends: wait for the page's last stream to be closed.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (engine.metric("genpay_sse_open") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Map<String, Double> after = requestsByRoute(engine);
    Map<String, Double> perOrder = new TreeMap<>();
    after.forEach((route, count) -> {
      double added = count - before.getOrDefault(route, 0.0);
      if (added > 0 && !route.endsWith(" /metrics")) { // the bench's own reading of the counters
        perOrder.put(route, added / orders);
      }
    });
    double browserApi = perOrder.entrySet().stream()
        .filter(entry -> entry.getKey().contains(" /api/") && !entry.getKey().contains("/api/webhooks/"))
        .mapToDouble(Map.Entry::getValue).sum();
    double all = perOrder.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Result(orders, videos, perOrder, browserApi, all);
  }

  private static Map<String, Double> requestsByRoute(EngineProcess engine) throws Exception {
    return Prometheus.byLabels(engine.get("/metrics").body(), "vertx_http_server_requests_total", "method", "route");
  }
}
