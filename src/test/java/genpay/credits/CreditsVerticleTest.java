package genpay.credits;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.Settings;
import genpay.redis.EmbeddedRedis;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The credits addresses on a real event bus over the real embedded Redis: numbers in, numbers out, 400s. */
@ExtendWith(VertxExtension.class)
class CreditsVerticleTest {

  @TempDir
  static Path dataDir;
  private static EmbeddedRedis server;

  @BeforeAll
  static void start() {
    server = EmbeddedRedis.start(dataDir, 0, "everysec");
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void grantSpendAndReadOverTheBus(Vertx vertx, VertxTestContext test) {
    Settings settings = Settings.from(new JsonObject(), Map.of()).withRedisUrl(server.url());
    String account = "acc_" + UUID.randomUUID().toString().substring(0, 8);
    var bus = vertx.eventBus();
    var changed = test.checkpoint(2);
    var done = test.checkpoint();
    bus.<JsonObject>localConsumer(Addresses.CREDITS_CHANGED, message -> {
      if (account.equals(message.body().getString("accountId"))) {
        changed.flag();
      }
    });
    vertx.deployVerticle(new CreditsVerticle(settings))
        .compose(id -> bus.<JsonObject>request(Addresses.CREDITS_GRANT, new JsonObject().put("accountId", account)
            .put("type", "purchase").put("amount", 12.5).put("sourceId", "cs_test_bus").put("description", "p")))
        .compose(granted -> {
          test.verify(() -> assertEquals(12.5, granted.body().getDouble("balance")));
          return bus.<JsonObject>request(Addresses.CREDITS_SPEND, new JsonObject().put("accountId", account)
              .put("amount", 10).put("sourceId", "ord_bus").put("operation", "video")
              .put("model", "google-cloud/veo3-text2video"));
        })
        .compose(spent -> {
          test.verify(() -> assertEquals("{\"status\":\"applied\",\"balance\":2.5,", spent.body().encode()
              .substring(0, 34), "a JSON number with two decimals, never a string"));
          return bus.<JsonObject>request(Addresses.CREDITS_SPEND, new JsonObject().put("accountId", account)
              .put("amount", 10).put("sourceId", "ord_bus2").put("operation", "video").put("model", "veo3"));
        })
        .compose(refused -> {
          test.verify(() -> assertEquals(new JsonObject().put("status", "refused").put("reason", "insufficient-credits")
              .put("needed", 10.0).put("balance", 2.5), refused.body()));
          return bus.<JsonObject>request(Addresses.CREDITS_SPEND, new JsonObject().put("accountId", account)
              .put("amount", 0.001).put("sourceId", "ord_bad").put("operation", "video").put("model", "veo3"));
        })
        .recover(bad -> {
          test.verify(() -> {
            ReplyException reply = assertInstanceOf(ReplyException.class, bad);
            assertEquals(BusFailure.BAD_REQUEST, reply.failureCode());
          });
          return bus.request(Addresses.CREDITS_ENTRIES, new JsonObject().put("accountId", account));
        })
        .onComplete(test.succeeding(page -> test.verify(() -> {
          JsonObject body = (JsonObject) page.body();
          assertEquals(2, body.getLong("total"), "the refused and the bad spend wrote nothing");
          assertEquals(-10.0, body.getJsonArray("items").getJsonObject(0).getDouble("amount"));
          done.flag();
        })));
  }
}
