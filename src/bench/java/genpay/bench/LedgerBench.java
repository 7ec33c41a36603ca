package genpay.bench;

import genpay.redis.Shards;
import genpay.credits.EntryType;
import genpay.credits.Ledger;
import genpay.credits.LedgerKeys;
import genpay.credits.LedgerOutcome;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The credits ledger on this machine, against its own embedded Redis (AOF, appendfsync as given, default always):
 * spends applied per second with p50/p99 latency at a few concurrencies (each spend one Lua script over a pooled
 * client), then Redis memory per 1000 entries (MEMORY USAGE of the stream, and INFO used_memory before/after,
 * which also counts the applied-source hash, the spend records and the usage aggregates). Self-contained (one
 * file), run by scripts/bench-ledger:
 * java -cp target/genpay.jar src/bench/java/genpay/bench/LedgerBench.java SPENDS_PER_RUN CONCURRENCIES FSYNC
 */
public class LedgerBench {

  public static void main(String[] args) throws Exception {
    int spends = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int[] concurrencies = Arrays.stream((args.length > 1 ? args[1] : "1,8,32,128").split(","))
        .mapToInt(Integer::parseInt).toArray();
    String fsync = args.length > 2 ? args[2] : "always";
    Path data = Files.createTempDirectory("ledger-bench");
    EmbeddedRedis server = EmbeddedRedis.start(data, 0, fsync);
    Vertx vertx = Vertx.vertx();
    Redis redis = RedisClients.create(vertx, server.url(), "ledger-bench");
    Ledger ledger = new Ledger(redis, Clock.systemUTC(), 30_000);
    try {
      System.out.printf("machine: %d cores; embedded Redis, appendfsync %s; %d spends per run%n",
          Runtime.getRuntime().availableProcessors(), fsync, spends);
      run(ledger, "warmup", Math.min(spends, 2000), 16);
      for (int concurrency : concurrencies) {
        run(ledger, "c" + concurrency, spends, concurrency);
      }
      memory(ledger, redis, 10_000);
    } finally {
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server.stop();
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** {@code count} spends of 0.01, at most {@code concurrency} in flight, each started as another ends. */
  private static void run(Ledger ledger, String name, int count, int concurrency) throws Exception {
    String account = "bench_" + name + "_" + System.nanoTime();
    get(ledger.grant(account, EntryType.PURCHASE, 1_000_000_00L, "cs_bench_" + name, null, "bench"));
    long[] micros = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    Promise<Void> finished = Promise.promise();
    long start = System.nanoTime();
    Runnable[] starter = new Runnable[1];
    starter[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= count) {
        return;
      }
      long began = System.nanoTime();
      ledger.spend(account, 1, "ord_" + i, "video", "veo3", "bench spend").onComplete(result -> {
        micros[i] = (System.nanoTime() - began) / 1000;
        if (result.failed() || result.result() instanceof LedgerOutcome.Refused) {
          refused.incrementAndGet();
        }
        if (done.incrementAndGet() == count) {
          finished.tryComplete();
        } else {
          starter[0].run();
        }
      });
    };
    for (int i = 0; i < concurrency; i++) {
      starter[0].run();
    }
    get(finished.future());
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    if (!name.equals("warmup")) {
      System.out.printf("concurrency %3d: %6.0f spends/s, p50 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d, failed or "
              + "refused %d, %.1f s)%n", concurrency, count / seconds, at(sorted, 0.50), at(sorted, 0.99),
          sorted[count - 1] / 1000.0, count, refused.get(), seconds);
    }
  }

  /** Redis memory for {@code entries} usage entries of one account (plus its one grant). */
  private static void memory(Ledger ledger, Redis redis, int entries) throws Exception {
    String account = "bench_memory_" + System.nanoTime();
    long before = usedMemory(redis);
    get(ledger.grant(account, EntryType.PURCHASE, 1_000_000_00L, "cs_bench_memory", null, "package business"));
    for (int start = 0; start < entries; start += 100) {
      java.util.List<io.vertx.core.Future<LedgerOutcome>> batch = new java.util.ArrayList<>();
      for (int i = start; i < Math.min(entries, start + 100); i++) {
        batch.add(ledger.spend(account, 1000, "ord_" + java.util.UUID.randomUUID(), i % 3 == 0 ? "image" : "video",
            "google-cloud/veo3-text2video", "VEO3 video, 8 s, 1280x720"));
      }
      get(io.vertx.core.Future.all(batch));
    }
    long after = usedMemory(redis);
    long stream = get(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(LedgerKeys.stream(Shards.DEFAULT, account))
        .arg("SAMPLES").arg(0))).toLong();
    long applied = get(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(LedgerKeys.applied(Shards.DEFAULT, account))
        .arg("SAMPLES").arg(0))).toLong();
    long spendRecords = get(redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(LedgerKeys.spends(Shards.DEFAULT, account))
        .arg("SAMPLES").arg(0))).toLong();
    double per = 1000.0 / (entries + 1);
    System.out.printf("memory, %d entries of one account: stream ledger:{acc} %.0f KiB per 1000 entries; applied "
            + "hash %.0f KiB and spend records %.0f KiB per 1000 spends; INFO used_memory delta %.0f KiB per 1000 "
            + "spends (all of the account's keys)%n", entries + 1, stream * per / 1024, applied * per / 1024,
        spendRecords * per / 1024, (after - before) * per / 1024);
  }

  private static long usedMemory(Redis redis) throws Exception {
    String info = get(redis.send(Request.cmd(Command.INFO).arg("memory"))).toString();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory");
  }

  private static double at(long[] sorted, double quantile) {
    int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * quantile) - 1));
    return sorted[index] / 1000.0;
  }

  private static <T> T get(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }
}
