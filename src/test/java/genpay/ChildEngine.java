package genpay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The engine as a real separate process (the test's classpath, genpay.Main), so a test can kill -9 it. */
public final class ChildEngine implements AutoCloseable {

  private final Process process;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  public final int port;

  private record Watch(List<String> fragments, CompletableFuture<String> seen) {
  }

  private ChildEngine(Process process, int port) {
    this.process = process;
    this.port = port;
    Thread reader = new Thread(this::readOutput, "child-engine-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static ChildEngine start(Map<String, String> env) throws IOException {
    int port = TestEngine.freePort();
    Path dataDir = Files.createTempDirectory("genpay-child-");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=" + Path.of("target/classes/logback.xml").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), "genpay.Main");
    builder.environment().put("PORT", String.valueOf(port));
    builder.environment().put("DATA_DIR", dataDir.toString());
    builder.environment().putAll(TestRedis.env(env));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    return new ChildEngine(builder.start(), port);
  }

  /** Completes with the first output line holding every one of {@code fragments} (from now on). */
  public CompletableFuture<String> whenLogged(String... fragments) {
    Watch watch = new Watch(List.of(fragments), new CompletableFuture<>());
    watches.add(watch);
    return watch.seen();
  }

  /** SIGKILL: no shutdown hook, no acknowledgement, nothing flushed by the engine. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        for (Watch watch : watches) {
          String text = line;
          if (watch.fragments().stream().allMatch(text::contains)) {
            watch.seen().complete(line);
            watches.remove(watch);
          }
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    watches.forEach(watch -> watch.seen().completeExceptionally(new IllegalStateException("engine exited")));
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
