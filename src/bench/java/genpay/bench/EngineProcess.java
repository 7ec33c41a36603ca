package genpay.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine as users run it: `java -jar target/genpay.jar`, a child process with its embedded Redis and a data
 * directory of its own. Its figures come from /metrics, jcmd and /proc.
 */
final class EngineProcess implements AutoCloseable {

  static final String WEBHOOK_SECRET = "whsec_bench";

  final int port;
  private final Process process;
  private final Path dataDir;
  private final HttpClient control = HttpClient.newHttpClient();

  private EngineProcess(int port, Process process, Path dataDir) {
    this.port = port;
    this.process = process;
    this.dataDir = dataDir;
  }

  /** {@code heap} like "2g"; with {@code preTouched} the whole heap is resident from the start (see PushRun). */
  static EngineProcess start(Path jar, String heap, boolean preTouched, List<String> jvmOptions, int port,
                             Map<String, String> settings) throws Exception {
    Path dataDir = Files.createTempDirectory("genpay-bench-");
    List<String> command = new ArrayList<>(List.of("java", "-Xmx" + heap));
    if (preTouched) {
      command.addAll(List.of("-Xms" + heap, "-XX:+AlwaysPreTouch"));
    }
    command.add("-Xlog:gc:file=" + dataDir.resolve("gc.log"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(dataDir.resolve("engine.log").toFile());
    Map<String, String> env = builder.environment();
    env.put("PORT", String.valueOf(port));
    env.put("APP_URL", "http://127.0.0.1:" + port);
    env.put("DATA_DIR", dataDir.toString());
    env.put("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET);
    // Thousands of orders from 127.0.0.1: the per-IP checkout limit would measure itself, not the engine.
    env.put("CHECKOUT_RATE_PER_MINUTE", "0");
    env.putAll(settings);
    EngineProcess engine = new EngineProcess(port, builder.start(), dataDir);
    engine.awaitHealthy();
    return engine;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Blocks until the engine is nearly idle (under a tenth of a core over a quarter second), at most 15 s: what
   * came before a measured window (orders made, streams opened and their Stripe syncs, and the JIT compiling
   * all that, which on 2 loaded cores lags by seconds) is done before the window starts.
   */
  void awaitQuiet() throws InterruptedException {
    double[] before = Processes.cpuTimes(List.of(pid()));
    for (int i = 0; i < 60; i++) {
      Thread.sleep(250);
      double[] now = Processes.cpuTimes(List.of(pid()));
      double busy = now[0] + now[1] - before[0] - before[1];
      before = now;
      if (busy < 0.025) {
        return;
      }
    }
  }

  private void awaitHealthy() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the engine exited; its log: " + dataDir.resolve("engine.log"));
      }
      try {
        if (get("/health").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the engine did not answer /health within 60 s");
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return control.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The sum of every /metrics sample of this name whose labels contain all the given fragments. */
  double metric(String name, String... labelFragments) throws IOException, InterruptedException {
    return Prometheus.sum(get("/metrics").body(), name, labelFragments);
  }

  /** Methods the engine's JIT has compiled so far (jstat's count). */
  long compilations() {
    String[] lines = Processes.run(30, "jstat", "-compiler", String.valueOf(pid())).trim().split("\n");
    return Long.parseLong(lines[lines.length - 1].trim().split("\\s+")[0]);
  }

  /** Heap in use right after a full collection: live data, not garbage. */
  long liveHeapBytes() throws IOException, InterruptedException {
    Processes.run(60, "jcmd", String.valueOf(pid()), "GC.run");
    return (long) metric("jvm_memory_used_bytes", "area=\"heap\"");
  }

  /** The engine's stop-the-world GC pauses in [from, to], from its GC log: "count, total ms, longest ms". */
  String gcPauses(Instant from, Instant to) throws IOException {
    Instant started = ProcessHandle.of(pid()).flatMap(handle -> handle.info().startInstant())
        .orElseThrow();
    Pattern pause = Pattern.compile(
        "^\\[(\\d+\\.\\d+)s\\].* Pause .* (\\d+\\.\\d+)ms$");
    int count = 0;
    double total = 0;
    double longest = 0;
    for (String line : Files.readAllLines(dataDir.resolve("gc.log"))) {
      Matcher match = pause.matcher(line);
      if (match.matches()) {
        Instant at = started.plusMillis((long) (Double.parseDouble(match.group(1)) * 1000));
        if (!at.isBefore(from) && !at.isAfter(to)) {
          double ms = Double.parseDouble(match.group(2));
          count++;
          total += ms;
          longest = Math.max(longest, ms);
        }
      }
    }
    return String.format("%d GC pauses, %.1f ms in all, the longest %.1f ms", count, total, longest);
  }

  String logTail(int lines) throws IOException {
    List<String> all = Files.readAllLines(dataDir.resolve("engine.log"));
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  long pssBytes() {
    return Processes.pss(List.of(pid()));
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: the engine's hook stops its Redis
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
