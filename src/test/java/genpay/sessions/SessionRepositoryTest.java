package genpay.sessions;

import genpay.TestKeys;
import genpay.redis.EmbeddedRedis;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lua transitions against a real Redis: atomic, versioned, and no-ops when not allowed. */
@ExtendWith(VertxExtension.class)
class SessionRepositoryTest {

  @TempDir
  static Path dataDir;
  private static EmbeddedRedis server;
  private static Vertx vertx;
  private static Redis redis;
  private static SessionRepository repository;

  @BeforeAll
  static void start() {
    server = EmbeddedRedis.start(dataDir, 0, "everysec");
    vertx = Vertx.vertx();
    redis = RedisClients.create(vertx, server.url(), "repository-test");
    repository = new SessionRepository(redis, Clock.systemUTC(), 30);
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.stop();
  }

  private static Order order(int videos) {
    String id = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
    return new Order(id, "a red fox in snow", videos, "veo3", "VEO3", "en", 500L * videos, "usd");
  }

  private static Future<Long> jobsFor(String sessionId) {
    return redis.send(Request.cmd(Command.XRANGE).arg(TestKeys.jobs(sessionId)).arg("-").arg("+"))
        .map(entries -> {
          long count = 0;
          for (var entry : entries) {
            var fields = entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
              if (fields.get(i).toString().equals("sessionId") && fields.get(i + 1).toString().equals(sessionId)) {
                count++;
              }
            }
          }
          return count;
        });
  }

  @Test
  void creatingTwiceStoresOnce(VertxTestContext test) {
    Order order = order(2);
    repository.create(order)
        .compose(first -> {
          test.verify(() -> assertTrue(first.changed()));
          return repository.create(order);
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals(ScriptResult.Outcome.UNCHANGED, second.outcome());
          assertEquals(1L, second.session().getLong("version"));
          test.completeNow();
        })));
  }

  @Test
  void fiftyConcurrentPaymentsEnqueueExactlyNJobs(VertxTestContext test) {
    Order order = order(3);
    repository.create(order).compose(created -> {
      List<Future<ScriptResult>> payments = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        payments.add(repository.markPaid(order.sessionId(), null, Payment.UNKNOWN));
      }
      return Future.all(payments).map(all -> payments);
    }).compose(payments -> {
      long changed = payments.stream().filter(p -> p.result().changed()).count();
      test.verify(() -> assertEquals(1, changed, "exactly one call moves the order"));
      return jobsFor(order.sessionId()).compose(jobs -> repository.read(order.sessionId()).map(read -> {
        test.verify(() -> {
          assertEquals(3L, jobs);
          assertEquals("processing", read.session().getString("status"));
          assertEquals(2L, read.session().getLong("version"));
          assertEquals(3, read.session().getJsonArray("files").size());
          read.session().getJsonArray("files").forEach(file -> assertEquals(TestKeys.SHARDS.of(order.sessionId()),
              TestKeys.SHARDS.of(((io.vertx.core.json.JsonObject) file).getString("id")),
              "files are minted in their order's shard"));
          assertEquals(read.session().getJsonArray("files").getJsonObject(0).getString("id"),
              read.session().getString("fileId"));
        });
        return read;
      }));
    }).onComplete(test.succeedingThenComplete());
  }

  @Test
  void anExpiredOrderCannotBePaidAndAPaidOneCannotExpire(VertxTestContext test) {
    Order expiring = order(1);
    Order paying = order(2);
    repository.create(expiring)
        .compose(v -> repository.transition(expiring.sessionId(), SessionStatus.EXPIRED, "expired", null))
        .compose(v -> repository.markPaid(expiring.sessionId(), null, Payment.UNKNOWN))
        .compose(lateMoney -> {
          test.verify(() -> {
            assertEquals(ScriptResult.Outcome.UNCHANGED, lateMoney.outcome());
            assertEquals("expired", lateMoney.session().getString("status"));
          });
          return jobsFor(expiring.sessionId());
        })
        .compose(jobs -> {
          test.verify(() -> assertEquals(0L, jobs));
          return repository.create(paying);
        })
        .compose(v -> repository.markPaid(paying.sessionId(), null, Payment.UNKNOWN))
        .compose(v -> repository.transition(paying.sessionId(), SessionStatus.EXPIRED, "expired", null))
        .onComplete(test.succeeding(lateExpiry -> test.verify(() -> {
          assertEquals(ScriptResult.Outcome.UNCHANGED, lateExpiry.outcome());
          assertEquals("processing", lateExpiry.session().getString("status"));
          assertEquals(2L, lateExpiry.session().getLong("version"));
          test.completeNow();
        })));
  }

  @Test
  void leavingPendingLeavesTheReconciliationSet(VertxTestContext test) {
    Order order = order(1);
    repository.create(order)
        .compose(v -> repository.pendingCreatedBefore(TestKeys.SHARDS.of(order.sessionId()), Long.MAX_VALUE, 0, 10_000))
        .compose(pending -> {
          test.verify(() -> assertTrue(pending.contains(order.sessionId())));
          return repository.transition(order.sessionId(), SessionStatus.ERROR, "Your card was declined.", null);
        })
        .compose(failed -> {
          test.verify(() -> {
            assertEquals("error", failed.session().getString("status"));
            assertEquals("Your card was declined.", failed.session().getString("error"));
          });
          return repository.pendingCreatedBefore(TestKeys.SHARDS.of(order.sessionId()), Long.MAX_VALUE, 0, 10_000);
        })
        .onComplete(test.succeeding(pending -> test.verify(() -> {
          assertTrue(!pending.contains(order.sessionId()));
          test.completeNow();
        })));
  }

  @Test
  void unknownSessionsAreReportedNotCreated(VertxTestContext test) {
    repository.markPaid("cs_test_unknown0001", null, Payment.UNKNOWN)
        .compose(paid -> {
          test.verify(() -> assertTrue(paid.unknown()));
          return repository.read("cs_test_unknown0001");
        })
        .onComplete(test.succeeding(read -> test.verify(() -> {
          assertTrue(read.unknown());
          test.completeNow();
        })));
  }

  @Test
  void thePaymentItselfPutsTheOrderInItsAddresssIndexInTheOrdersShard(VertxTestContext test) {
    Order order = order(1);
    String tag = TestKeys.SHARDS.tagOf(order.sessionId());
    String index = genpay.admin.AdminKeys.ordersOfEmail(tag, "Heron@Example.com");
    String other = genpay.admin.AdminKeys.ordersOfEmail(tag, "kite@example.com");
    repository.create(order)
        .compose(created -> repository.markPaid(order.sessionId(), null, Payment.UNKNOWN))
        .compose(paid -> redis.send(Request.cmd(Command.EXISTS).arg(index)).map(exists -> {
          test.verify(() -> assertEquals(0, exists.toInteger(), "no address, no index"));
          return paid;
        }))
        // Stripe's later word brings the address: kept, and indexed by the same script.
        .compose(v -> repository.markPaid(order.sessionId(), "evt_with_email", new Payment(" heron@example.com ", "")))
        // Another address later changes neither the order's e-mail nor any index.
        .compose(v -> repository.markPaid(order.sessionId(), "evt_other_email", new Payment("kite@example.com", "")))
        .compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(index).arg(0).arg(-1)))
        .compose(members -> redis.send(Request.cmd(Command.EXISTS).arg(other)).map(otherExists -> {
          test.verify(() -> {
            assertEquals(1, members.size());
            assertEquals(order.sessionId(), members.get(0).toString());
            assertEquals(0, otherExists.toInteger());
            assertTrue(index.contains(tag), "the index of this order lives in its shard: " + index);
          });
          return null;
        }))
        .onComplete(test.succeedingThenComplete());
  }
}
