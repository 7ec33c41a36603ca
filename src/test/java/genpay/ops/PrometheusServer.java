package genpay.ops;

import genpay.TestEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's Prometheus as a child process on a loopback port, scraping the given engines every second in a job
 * named genpay and evaluating the committed rule file every second, as an operator's would (faster).
 */
final class PrometheusServer implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/prometheus");

  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  static PrometheusServer start(Path dir, Path rules, List<Integer> enginePorts) throws Exception {
    int port = TestEngine.freePort();
    String targets = enginePorts.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
    Files.writeString(dir.resolve("prometheus.yml"), """
        global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
        rule_files: ["%s"]
        scrape_configs:
          - job_name: genpay
            static_configs: [{targets: [%s]}]
        """.formatted(rules.toAbsolutePath(), targets));
    Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    PrometheusServer server = new PrometheusServer(process, dir, port);
    try {
      server.awaitReady();
    } catch (Exception e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + log());
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("prometheus not ready within 30 s: " + log());
  }

  String log() throws IOException {
    return Files.readString(dir.resolve("prometheus.log"));
  }

  JsonObject get(String pathAndQuery) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(answer.body());
  }

  /** The result vector of an instant query. */
  JsonArray query(String promql) throws Exception {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .getJsonObject("data").getJsonArray("result");
  }

  /** Every rule Prometheus loaded, as its rules API gives them (name, query, health, lastEvaluation...). */
  List<JsonObject> rules() throws Exception {
    return get("/api/v1/rules").getJsonObject("data").getJsonArray("groups").stream()
        .map(JsonObject.class::cast)
        .flatMap(group -> group.getJsonArray("rules").stream().map(JsonObject.class::cast))
        .toList();
  }

  /** Alerts pending or firing now. */
  JsonArray activeAlerts() throws Exception {
    return get("/api/v1/alerts").getJsonObject("data").getJsonArray("alerts");
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
