package genpay.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real Redis 6.2 server shipped inside embedded-redis, for a single node on a laptop: AOF on, data under
 * the data directory, so a restart loses nothing. Start and stop block; call them off the event loops.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

  private final RedisServer server;
  private final int port;
  private final Path dataDir;

  private EmbeddedRedis(RedisServer server, int port, Path dataDir) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static EmbeddedRedis start(Path dataDir, int requestedPort, String appendFsync) {
    try {
      Path dir = dataDir.toAbsolutePath();
      Files.createDirectories(dir);
      Path pidFile = dir.resolve("redis.pid");
      stopLeftover(pidFile);
      int port = requestedPort > 0 ? requestedPort : freePort();
      RedisServer server = RedisServer.newRedisServer()
          .bind("127.0.0.1")
          .port(port)
          .setting("dir " + dir)
          .setting("pidfile " + pidFile)
          .setting("appendonly yes")
          .setting("appendfsync " + appendFsync)
          .setting("protected-mode yes")
          .onShutdownForceStop(false)
          .build();
      server.start();
      LOG.info("redis: embedded Redis on 127.0.0.1:{}, AOF ({}) under {}", port, appendFsync, dir);
      return new EmbeddedRedis(server, port, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded Redis did not start: " + e.getMessage(), e);
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Starts the same server again after {@link #stop()}: same port, same data. */
  public void restart() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM: Redis flushes its AOF and exits cleanly. */
  public void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      LOG.warn("redis: embedded Redis did not stop cleanly: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** A Redis left running by an engine that was killed with -9 would share our data directory: stop it first. */
  private static void stopLeftover(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String text = Files.readString(pidFile).trim();
    Files.deleteIfExists(pidFile);
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return;
    }
    ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.info().command().map(command -> command.contains("redis")).orElse(false))
        .ifPresent(process -> {
          LOG.warn("redis: stopping a leftover embedded Redis (pid {}) that still holds the data directory", pid);
          process.destroy();
          try {
            process.onExit().get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            process.destroyForcibly();
          }
        });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
