package genpay.migrate;

import genpay.config.ConfigLoader;
import genpay.config.Settings;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisConnection;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/migrate-keys [--dry-run] [--force]}: rewrites the Redis of REDIS_URL (or the embedded one's data
 * under DATA_DIR when it is unset) from the pre-shard key layout into the sharded one ({@link KeyMigration}), for
 * REDIS_SHARDS shards. Refuses while another client is connected (an engine still running) unless {@code --force}.
 * Exit status: 0 done, 1 failed or refused, 2 bad arguments or configuration.
 */
public final class MigrateKeys {

  private MigrateKeys() {
  }

  public static void main(String[] args) {
    Set<String> flags = Set.of(args);
    for (String flag : flags) {
      if (!flag.equals("--dry-run") && !flag.equals("--force")) {
        System.err.println("usage: scripts/migrate-keys [--dry-run] [--force]");
        System.exit(2);
      }
    }
    Settings settings = ConfigLoader.loadOrExit(System.getenv());
    EmbeddedRedis embedded = settings.redisUrl() == null
        ? EmbeddedRedis.start(Path.of(settings.dataDir()), settings.embeddedRedisPort(), settings.redisAppendFsync())
        : null;
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      String url = embedded != null ? embedded.url() : settings.redisUrl();
      status = migrate(vertx, url, settings, flags.contains("--dry-run"), flags.contains("--force"));
    } catch (RuntimeException e) {
      System.err.println("migrate-keys: " + e.getMessage());
      status = 1;
    } finally {
      vertx.close();
      if (embedded != null) {
        embedded.stop();
      }
    }
    System.exit(status);
  }

  static int migrate(Vertx vertx, String url, Settings settings, boolean dryRun, boolean force) {
    // One connection: CLIENT LIST is told apart from it by its id.
    RedisConnection connection = await(RedisClients.create(vertx, url, "migrate-keys").connect());
    try {
      List<String> others = KeyMigration.otherClients(connection);
      if (!others.isEmpty() && !force) {
        System.err.println("migrate-keys: " + others.size() + " other client(s) are connected to Redis (an engine "
            + "still running?); stop them first, or pass --force");
        return 1;
      }
      KeyMigration.Report report = KeyMigration.run(connection, settings.shards(), dryRun);
      String verb = dryRun ? "would move" : "moved";
      report.moved().forEach((family, count) -> System.out.printf("%s: %s %d%n", family, verb, count));
      report.notes().forEach(note -> System.out.println("note: " + note));
      System.out.printf("%s %d key(s) or entries into %d shards%s%n", verb, report.total(), settings.shards().count(),
          report.total() == 0 ? " (nothing in the old layout)" : "");
      return 0;
    } finally {
      connection.close();
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
    }
  }
}
