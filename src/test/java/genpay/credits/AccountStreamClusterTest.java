package genpay.credits;

import genpay.TestEngine;
import genpay.push.SseClient;
import genpay.config.Addresses;
import genpay.redis.EmbeddedRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two clustered nodes, one Redis: a ledger change written on one node reaches the account stream open on the other. */
class AccountStreamClusterTest {

  @TempDir
  static Path redisDir;
  private static EmbeddedRedis redis;
  private static TestEngine node1;
  private static TestEngine node2;
  private static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    redis = EmbeddedRedis.start(redisDir, 0, "everysec");
    Path clusterConfig = redisDir.resolve("cluster.xml");
    Files.writeString(clusterConfig, Files.readString(Path.of("conf/cluster.xml"))
        .replace("<cluster-name>genpay</cluster-name>", "<cluster-name>genpay-test-" + UUID.randomUUID() + "</cluster-name>"));
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER", "true", "REDIS_URL", redis.url(),
        "CLUSTER_HOST", "127.0.0.1", "SANDBOX_STRIPE_WEBHOOKS", "false", "GENERATION_WORKER", "false",
        "CLUSTER_CONFIG", clusterConfig.toString()));
    node1 = TestEngine.start(env);
    node2 = TestEngine.start(env);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    for (TestEngine node : new TestEngine[] {node2, node1}) {
      if (node != null) {
        node.close();
      }
    }
    if (client != null) {
      client.close();
    }
    redis.stop();
  }

  @Test
  void aGrantOnOneNodeReachesTheStreamOnTheOther() {
    String session = SignIns.signIn(node1);
    String account = await(node1.http.get("/api/account").putHeader("Cookie", "gp_session=" + session).send())
        .bodyAsJsonObject().getString("id");
    HttpClient http = client.createHttpClient();
    SseClient events = await(SseClient.open(http, node2.port, "/api/events/account", null,
        Map.of("Cookie", "gp_session=" + session)));
    assertEquals(10.0, await(events.when(event -> true)).data().getDouble("balance"));

    // CREDITS_GRANT is answered by node1's own ledger verticle: the write, and its notice, happen on node1.
    JsonObject granted = await(node1.engine.vertx().eventBus().<JsonObject>request(Addresses.CREDITS_GRANT,
        new JsonObject().put("accountId", account).put("type", "purchase").put("amount", 7.5)
            .put("sourceId", "cs_test_cluster" + System.nanoTime()))).body();
    assertEquals("applied", granted.getString("status"));
    SseClient.Event next = await(events.when(event -> event.data().getDouble("balance") == 17.5));
    assertEquals("purchase", next.data().getJsonObject("change").getString("type"));
  }
}
