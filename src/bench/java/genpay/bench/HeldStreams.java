package genpay.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * More streams than one process may hold here (20 000 files each): three clustered genpay nodes sharing one
 * Redis, and one nginx+nchan with several workers, each fed by several client processes ({@link StreamClient}),
 * each client on a loopback source address of its own. {@value #WATCHERS} streams watch each order (a buyer's
 * tabs and devices; 50 000 orders would take minutes of create-checkout alone here): stream i watches order
 * i mod orders and is held by node i mod 3, so an order's watchers sit on every node, and the order's change is a
 * webhook to one node: every change crosses the cluster. Every stream must get its order's change, once.
 */
final class HeldStreams {

  /** Streams per client process: under the file limit, and well under one source address's ephemeral ports. */
  private static final int PER_CLIENT = 12_500;
  static final int NODES = 3;
  static final int WATCHERS = 5;

  /** One node's (or nginx worker's) share: what it holds and what that costs. */
  record Holder(String name, int streams, int openFiles, long liveHeapBefore, long liveHeapAfter, long pssBefore,
                long pssAfter) {
  }

  record Result(String server, int streams, List<Holder> holders, Latencies.Summary commitToClient,
                Latencies.Summary sentToClient, int received, int missing, int duplicates, int closedEarly,
                int failedTriggers, int clients, double openSeconds, String cpuSplit, double cpuMsPerChange,
                int changes, int rate) {
  }

  private HeldStreams() {
  }

  static Result genpay(Vertx vertx, Bench.Options options, int held, int rate) throws Exception {
    List<EngineProcess> nodes = new ArrayList<>();
    Path config = Files.createTempDirectory("genpay-bench-cluster-");
    try (RedisProcess redis = RedisProcess.start()) {
      String cluster = "genpay-bench-" + UUID.randomUUID();
      List<Integer> hazelcastPorts = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        hazelcastPorts.add(Bench.freePort());
      }
      for (int i = 0; i < NODES; i++) {
        Path xml = config.resolve("cluster-" + i + ".xml");
        Files.writeString(xml, clusterXml(cluster, hazelcastPorts, hazelcastPorts.get(i)));
        nodes.add(EngineProcess.start(options.jar(), options.engineHeap(), false, options.engineJvm(),
            Bench.freePort(), Map.of("CLUSTER", "true", "CLUSTER_HOST", "127.0.0.1", "CLUSTER_CONFIG",
                xml.toString(), "REDIS_URL", redis.url(), "SANDBOX_STRIPE_WEBHOOKS", "false",
                "GENERATION_WORKER", "false")));
      }
      PushRun.awaitCount("cluster members seen by node 1", () -> new JsonObject(nodes.get(0).get("/ready").body())
          .getJsonObject("cluster", new JsonObject()).getInteger("members", 0), NODES, 60);
      List<GenpayClient> clients = nodes.stream().map(node -> new GenpayClient(vertx, node.port, 64)).toList();
      try {
        warmUp(vertx, nodes, clients, Math.min(options.warmUp(), 1500), rate);
        int orders = (held + WATCHERS - 1) / WATCHERS;
        List<String> sessions = ordersOnEveryNode(clients, orders);
        long[] heapBefore = new long[NODES];
        long[] pssBefore = new long[NODES];
        for (int i = 0; i < NODES; i++) {
          heapBefore[i] = nodes.get(i).liveHeapBytes();
          pssBefore[i] = nodes.get(i).pssBytes();
        }
        List<String> spec = new ArrayList<>();
        for (int i = 0; i < held; i++) {
          spec.add(i + " " + nodes.get(i % NODES).port + " /api/events/session/" + sessions.get(i % orders));
        }
        Map<String, List<Long>> cpu = new LinkedHashMap<>();
        for (int i = 0; i < NODES; i++) {
          cpu.put("node " + (i + 1), List.of(nodes.get(i).pid()));
        }
        cpu.put("Redis", redis.pids());
        return run("genpay (3 nodes)", vertx, rate, spec, orders, "genpay", cpu, index ->
            // Signed when sent: opening 50 000 streams can take longer than Stripe's 5-minute signature tolerance.
            clients.get((index + 1) % NODES).send(clients.get(0).paidEvent(sessions.get(index))), () -> {
              List<Holder> holders = new ArrayList<>();
              for (int i = 0; i < NODES; i++) {
                EngineProcess node = nodes.get(i);
                holders.add(new Holder("node " + (i + 1), (int) node.metric("genpay_sse_open"),
                    Processes.openFiles(node.pid()), heapBefore[i], node.liveHeapBytes(), pssBefore[i],
                    node.pssBytes()));
              }
              return holders;
            }, () -> {
              long open = 0;
              for (EngineProcess node : nodes) {
                open += (long) node.metric("genpay_sse_open");
              }
              return open;
            });
      } finally {
        clients.forEach(GenpayClient::close);
      }
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).close();
      }
      try (var files = Files.walk(config)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  static Result nchan(Vertx vertx, Bench.Options options, int held, int rate) throws Exception {
    int workers = Math.max(2, (int) Math.ceil(held / 15_000.0));
    try (Nchan nginx = Nchan.start(Bench.freePort(), workers, 19_000, false)) {
      List<Long> workerPids = Processes.children(nginx.pids().get(0));
      List<Integer> filesBefore = workerPids.stream().map(Processes::openFiles).toList();
      PushRun.nchan(vertx, nginx, "w", Math.min(options.warmUp(), 1500), rate, 1);
      List<Long> pssBefore = workerPids.stream().map(pid -> Processes.pss(List.of(pid))).toList();
      int orders = (held + WATCHERS - 1) / WATCHERS;
      List<String> spec = new ArrayList<>();
      for (int i = 0; i < held; i++) {
        spec.add(i + " " + nginx.port + " /sub/c" + (i % orders));
      }
      WebClient publisher = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(nginx.port).setKeepAlive(true).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(64));
      try {
        return run("nchan (" + workers + " workers)", vertx, rate, spec, orders, "nchan", Map.of("nginx", nginx.pids()),
            index -> publisher.post("/pub/c" + index)
                .sendBuffer(Buffer.buffer("{\"status\":\"processing\",\"n\":" + index + "}"))
                .map(response -> response.statusCode()), () -> {
              List<Holder> holders = new ArrayList<>();
              for (int w = 0; w < workerPids.size(); w++) {
                long pid = workerPids.get(w);
                int files = Processes.openFiles(pid);
                // A worker's streams: the files it opened since it started (a few are the publisher's).
                holders.add(new Holder("worker " + (w + 1), files - filesBefore.get(w), files, 0, 0, pssBefore.get(w),
                    Processes.pss(List.of(pid))));
              }
              return holders;
            }, () -> (long) held);
      } finally {
        publisher.close();
      }
    }
  }

  interface Step<T> {
    T get() throws Exception;
  }

  /**
   * Opens the streams from client processes, waits until every one is open (and, for genpay, has its first
   * snapshot), sends one change per order at the rate, waits until every stream has its order's change, and
   * merges the clients' arrival times. Stream i watches order i mod {@code changes}.
   */
  private static Result run(String server, Vertx vertx, int rate, List<String> spec, int changes, String mode,
                            Map<String, List<Long>> serverPids, IntFunction<io.vertx.core.Future<Integer>> change,
                            Step<List<Holder>> holders, Step<Long> openAtServer) throws Exception {
    int n = spec.size();
    int clientCount = (int) Math.ceil(n / (double) PER_CLIENT);
    Path dir = Files.createTempDirectory("genpay-bench-clients-");
    List<Client> clients = new ArrayList<>();
    try {
      long openStart = System.nanoTime();
      for (int c = 0; c < clientCount; c++) {
        List<String> share = new ArrayList<>();
        for (int i = c; i < n; i += clientCount) {
          share.add(spec.get(i));
        }
        Path file = dir.resolve("client-" + c + ".spec");
        Files.write(file, share);
        // 127.0.0.2 and up: the bench's own streams and requests come from 127.0.0.1.
        clients.add(Client.start("127.0.0." + (c + 2), file, mode, dir.resolve("client-" + c + ".log")));
      }
      for (Client client : clients) {
        client.expect("opened", 900);
      }
      PushRun.awaitCount("first snapshots at the clients", () -> status(clients)[0], n, 300);
      PushRun.awaitCount("streams open at the server", openAtServer::get, n, 60);
      double openSeconds = (System.nanoTime() - openStart) / 1e9;
      System.out.printf("  %s: %d streams open from %d client processes in %.0f s%n", server, n, clientCount,
          openSeconds);
      PushRun.CpuSplit cpu = new PushRun.CpuSplit(serverPids, Map.of("stream clients",
          clients.stream().map(client -> client.process.pid()).toList()));
      FixedRate schedule = new FixedRate(changes);
      schedule.run(vertx, rate, change, changes / rate + 180);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long[] seen = status(clients);
      while (seen[1] < n && System.nanoTime() < deadline) {
        Thread.sleep(200);
        seen = status(clients);
      }
      String split = cpu.perChange(changes);
      List<Holder> held = holders.get();
      Latencies commit = new Latencies(n);
      Latencies sent = new Latencies(n);
      for (int c = 0; c < clients.size(); c++) {
        Path report = dir.resolve("client-" + c + ".arrivals");
        clients.get(c).send("report " + report);
        clients.get(c).expect("reported", 60);
        for (String line : Files.readAllLines(report)) {
          String[] fields = line.split(" ");
          int index = Integer.parseInt(fields[0]);
          long commitMillis = Long.parseLong(fields[3]);
          sent.record((Long.parseLong(fields[1]) - schedule.sentNanos.get(index % changes)) / 1000);
          if (commitMillis >= 0) {
            commit.record((Long.parseLong(fields[2]) - commitMillis) * 1000);
          }
        }
      }
      Latencies.Summary sentSummary = sent.summary();
      Latencies.Summary commitSummary = "genpay".equals(mode) ? commit.summary() : sentSummary;
      System.out.println("  " + server + ": commit → client " + commitSummary.line() + "; received " + seen[1]
          + " of " + n + ", " + seen[2] + " extra, " + seen[3] + " closed; " + split);
      return new Result(server, n, held, commitSummary, sentSummary, (int) seen[1], (int) (n - seen[1]),
          (int) seen[2], (int) seen[3], schedule.failures.get(), clientCount, openSeconds, split,
          cpu.serverSeconds() * 1000 / changes, changes, rate);
    } finally {
      clients.forEach(Client::close);
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** Sums the clients' status: {initial, changed, extra, closed}. */
  private static long[] status(List<Client> clients) throws Exception {
    long[] sum = new long[4];
    for (Client client : clients) {
      client.send("status");
      String[] fields = client.expect("status", 60).split(" ");
      for (int i = 0; i < 4; i++) {
        sum[i] += Long.parseLong(fields[i + 1]);
      }
    }
    return sum;
  }

  /** Orders made through each node's create-checkout, a third each, in parallel; in stream order. */
  private static List<String> ordersOnEveryNode(List<GenpayClient> clients, int held) throws Exception {
    long start = System.nanoTime();
    ExecutorService threads = Executors.newFixedThreadPool(NODES);
    try {
      List<Future<List<String>>> made = new ArrayList<>();
      for (int node = 0; node < NODES; node++) {
        int count = held / NODES + (node < held % NODES ? 1 : 0);
        GenpayClient client = clients.get(node);
        made.add(threads.submit(() -> client.createOrders(count)));
      }
      List<List<String>> perNode = new ArrayList<>();
      for (Future<List<String>> future : made) {
        perNode.add(future.get(900, TimeUnit.SECONDS));
      }
      List<String> sessions = new ArrayList<>(held);
      for (int i = 0; i < held; i++) {
        sessions.add(perNode.get(i % NODES).get(i / NODES));
      }
      System.out.printf("  %d orders on %d nodes: %.1f s%n", held, NODES, (System.nanoTime() - start) / 1e9);
      return sessions;
    } finally {
      threads.shutdownNow();
    }
  }

  /** A round like the measured one, from this process, so that no node measures its JIT's first minutes. */
  private static void warmUp(Vertx vertx, List<EngineProcess> nodes, List<GenpayClient> clients, int count,
                             int rate) throws Exception {
    List<String> sessions = ordersOnEveryNode(clients, count);
    CountDownLatch changed = new CountDownLatch(count);
    AtomicInteger snapshots = new AtomicInteger();
    try (SseFleet fleet = new SseFleet(vertx, 1)) {
      for (int node = 0; node < NODES; node++) {
        int first = node;
        List<Integer> mine = new ArrayList<>();
        for (int i = node; i < count; i += NODES) {
          mine.add(i);
        }
        fleet.open(nodes.get(first).port, mine.stream().map(i -> "/api/events/session/" + sessions.get(i))
            .toList(), (stream, data, nanos, millis) -> {
              String status = new JsonObject(data).getString("status");
              if ("pending".equals(status)) {
                snapshots.incrementAndGet();
              } else if ("processing".equals(status)) {
                changed.countDown();
              }
            }, 300);
      }
      PushRun.awaitCount("warm-up snapshots", snapshots::get, count, 120);
      List<GenpayClient.SignedEvent> events = sessions.stream().map(clients.get(0)::paidEvent).toList();
      new FixedRate(count).run(vertx, rate, index -> clients.get((index + 1) % NODES).send(events.get(index)),
          count / rate + 120);
      if (!changed.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("warm-up: " + changed.getCount() + " of " + count + " streams got no change");
      }
    }
  }

  /** conf/cluster.xml with a name of its own (never joins another cluster here) and fixed, free ports. */
  private static String clusterXml(String name, List<Integer> ports, int own) throws IOException {
    StringBuilder members = new StringBuilder();
    ports.forEach(port -> members.append("<member>127.0.0.1:").append(port).append("</member>"));
    String xml = Files.readString(Path.of("conf", "cluster.xml"))
        .replace("<cluster-name>genpay</cluster-name>", "<cluster-name>" + name + "</cluster-name>")
        .replaceFirst("<port [^>]*>\\d+</port>", "<port auto-increment=\"false\">" + own + "</port>")
        .replaceFirst("<member>127\\.0\\.0\\.1</member>", members.toString());
    if (!xml.contains(name) || !xml.contains(">" + own + "</port>") || !xml.contains(":" + own + "</member>")) {
      throw new IllegalStateException("conf/cluster.xml no longer has the parts the bench rewrites");
    }
    return xml;
  }

  /** A {@link StreamClient} child process and the lines it prints. */
  private static final class Client implements AutoCloseable {
    final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private Client(Process process, Path log) {
      this.process = process;
      this.log = log;
      in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      Thread reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
          }
        } catch (IOException ended) {
          // the process is gone
        }
        lines.add("exited");
      }, "stream-client-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    static Client start(String source, Path spec, String mode, Path log) throws IOException {
      Process process = new ProcessBuilder("java", "-Xmx1g", "-XX:+UseParallelGC", "-cp",
          System.getProperty("java.class.path"), StreamClient.class.getName(), source, spec.toString(), mode)
          .redirectError(log.toFile()).start();
      return new Client(process, log);
    }

    void send(String command) {
      in.println(command);
    }

    /** The next line, which must start with {@code word}. */
    String expect(String word, long timeoutSeconds) throws Exception {
      String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
      if (line == null || !line.startsWith(word)) {
        throw new IllegalStateException("stream client " + process.pid() + " said " + line + " (wanted " + word
            + "); its log: " + (Files.exists(log) ? Files.readString(log) : ""));
      }
      return line;
    }

    @Override
    public void close() {
      in.close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
