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
 * as cores, as genpay has event loops per core.
 */
final class Nchan implements AutoCloseable {

  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

  final int port;
  private final Process master;
  private final Path dir;

  private Nchan(int port, Process master, Path dir) {
    this.port = port;
    this.master = master;
    this.dir = dir;
  }

  static boolean installed() {
    return Files.isExecutable(NGINX) && Files.exists(MODULE);
  }

  static Nchan start(int port, int maxConnections) throws Exception {
    Path dir = Files.createTempDirectory("genpay-bench-nchan-");
    int workers = Runtime.getRuntime().availableProcessors();
    String conf = """
        load_module %s;
        user root;
        worker_processes %d;
        worker_rlimit_nofile %d;
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
          server {
            listen 127.0.0.1:%d backlog=4096;
            location ~ ^/sub/(\\w+)$ { nchan_subscriber eventsource; nchan_channel_id $1; }
            location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; }
          }
        }
        """.formatted(MODULE, workers, maxConnections + 100, dir, dir, maxConnections, dir, dir, dir, dir, dir, port);
    Files.writeString(dir.resolve("nginx.conf"), conf);
    Process master = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf")
        .toString(), "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile())
        .start();
    Nchan nchan = new Nchan(port, master, dir);
    nchan.awaitListening(workers);
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
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
