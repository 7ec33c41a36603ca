package genpay.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx with libnginx-mod-nchan (scripts/bench installs them), in a directory of its own: one channel
 * per stream, EventSource subscribers at /sub/{channel}, publishing by POST to /pub/{channel}. As many workers
 * as cores by default, as genpay has event loops per core. With a Redis, nchan keeps its channels there
 * ({@code nchan_redis_url}, {@code nchan_use_redis on}, storage mode distributed: Redis holds every message and
 * fans it out to the workers by its pub/sub), which is what a cluster of nchan servers runs on.
 */
final class Nchan implements AutoCloseable {

  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

  final String name;
  final int port;
  private final Process master;
  private final Path dir;
  private final RedisProcess redis;

  private Nchan(String name, int port, Process master, Path dir, RedisProcess redis) {
    this.name = name;
    this.port = port;
    this.master = master;
    this.dir = dir;
    this.redis = redis;
  }

  static boolean installed() {
    return Files.isExecutable(NGINX) && Files.exists(MODULE);
  }

  /** In-memory storage, as many workers as cores, each able to hold every connection. */
  static Nchan start(int port, int maxConnections) throws Exception {
    return start(port, Runtime.getRuntime().availableProcessors(), maxConnections, false);
  }

  /**
   * {@code connectionsPerWorker} is capped under the file limit of one process; with more than one worker the
   * listening socket is {@code reuseport}, so the kernel spreads the connections evenly over them. With
   * {@code withRedis} a Redis of its own (appendfsync always, as genpay's) is started and stopped with nginx.
   */
  static Nchan start(int port, int workers, int connectionsPerWorker, boolean withRedis) throws Exception {
    Path dir = Files.createTempDirectory("genpay-bench-nchan-");
    long fileLimit = Processes.hardFileLimit();
    int connections = (int) Math.min(connectionsPerWorker, fileLimit - 200);
    RedisProcess redis = withRedis ? RedisProcess.start() : null;
    String storage = redis == null ? "" : "nchan_redis_url \"" + redis.url() + "\"; nchan_redis_storage_mode "
        + "distributed; nchan_use_redis on;";
    String conf = """
        load_module %s;
        user root;
        worker_processes %d;
        worker_rlimit_nofile %d;
        worker_shutdown_timeout 5s;
        pid %s/nginx.pid;
        error_log %s/error.log warn;
        events { worker_connections %d; multi_accept on; }
        http {
          access_log off;
          client_body_temp_path %s/body;
          proxy_temp_path %s/proxy;
          fastcgi_temp_path %s/fastcgi;
          uwsgi_temp_path %s/uwsgi;
          scgi_temp_path %s/scgi;
          keepalive_requests 1000000;
          nchan_shared_memory_size 1024m;
          %s
          server {
            listen 127.0.0.1:%d backlog=4096%s;
            location ~ ^/sub/(\\w+)$ { nchan_subscriber eventsource; nchan_channel_id $1; }
            location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; }
          }
        }
        """.formatted(MODULE, workers, Math.min(connections + 100, fileLimit), dir, dir, connections, dir, dir, dir,
        dir, dir, storage, port, workers > 1 ? " reuseport" : "");
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process master = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf")
        .toString(), "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
        .start();
    Nchan nchan = new Nchan(redis == null ? "nchan" : "nchan (redis)", port, master, dir, redis);
    try {
      nchan.awaitListening(workers);
    } catch (Exception failed) {
      nchan.close();
      throw failed;
    }
    return nchan;
  }

  private void awaitListening(int workers) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) {
        throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("out.log"))
            + Files.readString(dir.resolve("error.log")));
      }
      if (pids().size() > workers) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          return;
        } catch (IOException notYet) {
          // not listening yet
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("nginx did not listen on " + port + " within 30 s");
  }

  /** The master and its workers. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(master.pid());
    pids.addAll(Processes.children(master.pid()));
    return pids;
  }

  /** The Redis nchan stores its channels in, if any. */
  List<Long> redisPids() {
    return redis == null ? List.of() : redis.pids();
  }

  /** Each worker's PSS, the master's not included. */
  List<Long> workerPss() {
    return Processes.children(master.pid()).stream().map(pid -> Processes.pss(List.of(pid))).toList();
  }

  long pssBytes() {
    return Processes.pss(pids());
  }

  double cpuSeconds() {
    return Processes.cpuSeconds(pids());
  }

  @Override
  public void close() throws Exception {
    master.destroy(); // SIGTERM: nginx's fast shutdown
    if (!master.waitFor(20, TimeUnit.SECONDS)) {
      master.destroyForcibly();
    }
    if (redis != null) {
      redis.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
