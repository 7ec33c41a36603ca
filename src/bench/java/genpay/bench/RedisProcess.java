package genpay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's redis-server (scripts/bench installs it) on a free loopback port, in a directory of its own, with the
 * durability genpay's embedded Redis has: AOF, {@code appendfsync always}. Shared by the clustered nodes, and the
 * storage of nchan's Redis mode, so that both peers commit each change to disk the same way.
 */
final class RedisProcess implements AutoCloseable {

  static final Path SERVER = Path.of("/usr/bin/redis-server");

  final int port;
  private final Process process;
  private final Path dir;

  private RedisProcess(int port, Process process, Path dir) {
    this.port = port;
    this.process = process;
    this.dir = dir;
  }

  static boolean installed() {
    return Files.isExecutable(SERVER);
  }

  static RedisProcess start() throws Exception {
    Path dir = Files.createTempDirectory("genpay-bench-redis-");
    int port = Bench.freePort();
    Process process = new ProcessBuilder(SERVER.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "",
        "--maxclients", "10000", "--daemonize", "no")
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    RedisProcess redis = new RedisProcess(port, process, dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return redis;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    redis.close();
    throw new IllegalStateException("redis-server did not listen on " + port + " within 30 s");
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  List<Long> pids() {
    return List.of(process.pid());
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
