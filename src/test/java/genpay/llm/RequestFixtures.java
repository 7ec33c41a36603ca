package genpay.llm;

import genpay.TestKeys;
import genpay.requests.RequestKeys;
import genpay.sessions.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import genpay.config.Addresses;

import static genpay.TestEngine.await;

/**
 * Generation requests as the API makes them (the issue 16 contract's hash), written straight into Redis: the
 * API is another branch's. A queued request with its site's URLs and its job in {@code jobs:{sN}:requests}, all under the
 * tag of the request id's shard, as if it were minted there (the worker reaches every key from the id).
 */
final class RequestFixtures {

  private RequestFixtures() {
  }

  static void queue(Redis redis, String id, String hostname, String provider, long amountCents, List<String> urls) {
    Request list = Request.cmd(Command.RPUSH).arg(RequestKeys.calculationUrls(hostname));
    urls.forEach(list::arg);
    await(redis.send(list));
    String tag = TestKeys.tag(id);
    await(redis.send(Request.cmd(Command.HSET).arg(RequestKeys.request(tag, id)).arg("id").arg(id)
        .arg("hostname").arg(hostname).arg("provider").arg(provider).arg("status").arg("queued")
        .arg("amount").arg(amountCents).arg("currency").arg("eur").arg("sessionId").arg("").arg("paymentLink").arg("")
        .arg("done").arg(0).arg("total").arg(urls.size()).arg("error").arg("")
        .arg("createdAt").arg(System.currentTimeMillis()).arg("version").arg(1).arg("refund").arg("none")
        .arg("refundId").arg("")));
    await(redis.send(Request.cmd(Command.SET).arg(RequestKeys.open(tag, hostname, provider)).arg(id)));
    await(redis.send(Request.cmd(Command.XADD).arg(RedisKeys.requestJobs(tag)).arg("*").arg("requestId").arg(id)));
  }

  static Map<String, String> hash(Redis redis, String id) {
    return RequestStore.hash(await(redis.send(Request.cmd(Command.HGETALL).arg(RequestKeys.request(TestKeys.tag(id), id)))));
  }

  /** Every requests.changed of one request, and a future of the first whose status is one of {@code statuses}. */
  record Watch(List<JsonObject> seen, Future<JsonObject> reached) {
  }

  /** Listens from the moment it is called: call it before queueing. */
  static Watch watch(Vertx vertx, String id, String... statuses) {
    List<String> wanted = List.of(statuses);
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    Promise<JsonObject> reached = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.REQUESTS_CHANGED);
    consumer.handler(message -> {
      JsonObject request = message.body();
      if (id.equals(request.getString("id"))) {
        seen.add(request);
        if (wanted.contains(request.getString("status"))) {
          reached.tryComplete(request);
        }
      }
    });
    await(consumer.completion());
    return new Watch(seen, reached.future());
  }
}
