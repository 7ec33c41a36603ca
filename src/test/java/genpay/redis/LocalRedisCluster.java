package genpay.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster on loopback for tests, laid out as scripts/redis-cluster lays it out: Debian's redis-server,
 * three masters and three replicas (one each), AOF on, each node's data under its own directory of a temp dir,
 * cluster-node-timeout 1000 ms so a killed master's replica takes over within a few seconds. Blocking: call it
 * off the event loops. {@link #shared()} is one cluster per JVM for {@code GENPAY_TEST_REDIS=cluster}.
 */
public final class LocalRedisCluster implements AutoCloseable {

  public static final String REDIS_SERVER = "/usr/bin/redis-server";
  public static final String REDIS_CLI = "/usr/bin/redis-cli";
  private static final int NODES = 6;
  private static final long READY_TIMEOUT_MS = 60_000;
  private static LocalRedisCluster shared;

  private final Path dir;
  private final Map<Integer, Process> nodes = new LinkedHashMap<>();

  private LocalRedisCluster(Path dir) {
    this.dir = dir;
  }

  /** The JVM's one cluster, started on first use and stopped when the JVM exits. */
  public static synchronized LocalRedisCluster shared() {
    if (shared == null) {
      shared = start();
      LocalRedisCluster started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "redis-cluster-stop"));
    }
    return shared;
  }

  /** Six fresh nodes joined into one cluster, every master with its replica in sync. */
  public static LocalRedisCluster start() {
    if (!Files.isExecutable(Path.of(REDIS_SERVER))) {
      throw new IllegalStateException(REDIS_SERVER + " is missing: apt-get install -y redis-server "
          + "(.ci/run does it)");
    }
    try {
      LocalRedisCluster cluster = new LocalRedisCluster(Files.createTempDirectory("genpay-redis-cluster-"));
      try {
        cluster.boot();
        return cluster;
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void boot() throws IOException {
    for (int port : freePorts(NODES)) {
      Path nodeDir = Files.createDirectories(dir.resolve(String.valueOf(port)));
      Process process = new ProcessBuilder(REDIS_SERVER,
          "--port", String.valueOf(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
          // A replica takes over however long it was cut off: the drills kill masters on purpose.
          "--cluster-replica-validity-factor", "0",
          "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--enable-debug-command", "local",
          "--dir", nodeDir.toString(), "--logfile", nodeDir.resolve("redis.log").toString())
          .redirectErrorStream(true).redirectOutput(nodeDir.resolve("stdout.log").toFile()).start();
      nodes.put(port, process);
    }
    for (int port : nodes.keySet()) {
      awaitTrue(() -> "PONG".equals(cliQuiet(port, "PING").trim()), "node " + port + " answers PING");
    }
    List<String> create = new ArrayList<>(List.of(REDIS_CLI, "--cluster", "create"));
    nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    run(create);
    awaitHealthy();
  }

  /** Every slot served, every live master with a replica in sync: ready for WAIT 1 to answer 1. */
  public void awaitHealthy() {
    awaitTrue(() -> livePorts().stream().allMatch(port -> cliQuiet(port, "CLUSTER", "INFO")
        .contains("cluster_state:ok")), "cluster_state:ok on every node");
    awaitTrue(() -> masters().stream().allMatch(port -> replicasOf(port) >= 1), "a replica in sync on every master");
  }

  /** REDIS_URL for REDIS_MODE=cluster: every node, comma-separated. */
  public String seeds() {
    return nodes.keySet().stream().map(port -> "redis://127.0.0.1:" + port).collect(Collectors.joining(","));
  }

  /** Ports of the nodes still running. */
  public List<Integer> livePorts() {
    return nodes.entrySet().stream().filter(node -> node.getValue().isAlive()).map(Map.Entry::getKey).toList();
  }

  /** Live nodes that are masters now (a failover changes which). */
  public List<Integer> masters() {
    return livePorts().stream().filter(port -> cliQuiet(port, "ROLE").startsWith("master")).toList();
  }

  /** The live master serving {@code slot}, read from a live node's view. */
  public int masterOf(int slot) {
    for (int port : masters()) {
      for (String line : cliQuiet(port, "CLUSTER", "NODES").split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length > 8 && fields[2].contains("myself") && fields[2].contains("master")) {
          for (int i = 8; i < fields.length; i++) {
            String range = fields[i];
            if (range.startsWith("[")) {
              continue;
            }
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = Integer.parseInt(ends[ends.length - 1]);
            if (slot >= from && slot <= to) {
              return port;
            }
          }
        }
      }
    }
    throw new IllegalStateException("no live master serves slot " + slot);
  }

  /** Replicas connected to the master at {@code port} and caught up with it. */
  public int replicasOf(int port) {
    String info = cliQuiet(port, "INFO", "replication");
    long masterOffset = -1;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("master_repl_offset:")) {
        masterOffset = Long.parseLong(line.substring("master_repl_offset:".length()).trim());
      }
    }
    int inSync = 0;
    for (String line : info.split("\r?\n")) {
      if (line.matches("^slave\\d+:.*")) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.substring(line.indexOf(':') + 1).split(",")) {
          String[] kv = pair.split("=", 2);
          fields.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        if ("online".equals(fields.get("state")) && Long.parseLong(fields.getOrDefault("offset", "-1")) >= 0
            && masterOffset >= 0) {
          inSync++;
        }
      }
    }
    return inSync;
  }

  /** Empties every master (their replicas follow): what a fresh embedded Redis is to a test. */
  public void flushAll() {
    for (int port : masters()) {
      cli(port, "FLUSHALL");
    }
  }

  /** Keys held by each live master. */
  public Map<Integer, Long> keysPerMaster() {
    Map<Integer, Long> keys = new LinkedHashMap<>();
    for (int port : masters()) {
      keys.put(port, Long.parseLong(cli(port, "DBSIZE").trim()));
    }
    return keys;
  }

  /** One digest of all masters' data: equal before and after means nothing changed anywhere. */
  public String digest() {
    return masters().stream().sorted().map(port -> port + "=" + cli(port, "DEBUG", "DIGEST").trim())
        .collect(Collectors.joining(" "));
  }

  /** CLIENT PAUSE … WRITE on every master: writes and scripts wait {@code millis}, then run. */
  public void pauseWrites(long millis) {
    for (int port : masters()) {
      cli(port, "CLIENT", "PAUSE", String.valueOf(millis), "WRITE");
    }
  }

  /** SIGKILL to the node at {@code port}: no AOF flush, no goodbye to the cluster. */
  public void kill(int port) {
    Process process = nodes.get(port);
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGSTOP / SIGCONT: the node stays connected but answers nothing (a replica that never acknowledges). */
  public void freeze(int port, boolean frozen) {
    run(List.of("kill", frozen ? "-STOP" : "-CONT", String.valueOf(nodes.get(port).pid())));
  }

  /** The replica (live, any state) that follows the master at {@code masterPort}. */
  public int replicaOf(int masterPort) {
    String id = cli(masterPort, "CLUSTER", "MYID").trim();
    for (int port : livePorts()) {
      if (port != masterPort && cliQuiet(port, "CLUSTER", "NODES").lines()
          .anyMatch(line -> line.contains("myself") && line.contains("slave " + id))) {
        return port;
      }
    }
    throw new IllegalStateException("no replica follows " + masterPort);
  }

  /** Waits, polling, until the cluster shows {@code condition}: for tests that need a topology change. */
  public static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("redis cluster: timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** redis-cli's answer, or an exception naming the command. */
  public String cli(int port, String... command) {
    List<String> args = new ArrayList<>(List.of(REDIS_CLI, "-h", "127.0.0.1", "-p", String.valueOf(port)));
    args.addAll(List.of(command));
    return run(args);
  }

  /** The same, but "" when the node does not answer (it may be dead or frozen). */
  private String cliQuiet(int port, String... command) {
    // redis-cli 7.0 has no connect timeout of its own; a frozen node would hold it forever.
    List<String> args = new ArrayList<>(List.of("timeout", "3", REDIS_CLI, "-h", "127.0.0.1", "-p", String.valueOf(port)));
    args.addAll(List.of(command));
    try {
      return run(args);
    } catch (IllegalStateException e) {
      return "";
    }
  }

  private static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0
          || out.startsWith("ERR") || out.startsWith("Could not connect")) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Free ports whose cluster bus port (+10000) is free too. */
  private static List<Integer> freePorts(int count) throws IOException {
    List<Integer> ports = new ArrayList<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      while (ports.size() < count) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(socket);
        int port = socket.getLocalPort();
        if (port + 10_000 > 65_535) {
          continue;
        }
        try (ServerSocket bus = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
          ports.add(port);
        } catch (IOException busTaken) {
          // try another
        }
      }
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
    return ports;
  }

  @Override
  public void close() {
    nodes.values().forEach(Process::destroyForcibly);
    for (Process process : nodes.values()) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind
    }
  }
}
