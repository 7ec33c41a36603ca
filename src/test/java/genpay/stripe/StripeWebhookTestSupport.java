package genpay.stripe;

import java.util.List;
import io.vertx.redis.client.Response;
import genpay.TestKeys;
import genpay.TestEngine;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.HashMap;
import java.util.Map;

import static genpay.TestEngine.await;

/** Reads the generation stream the way the tests need it: jobs per session. */
final class StripeWebhookTestSupport {

  private StripeWebhookTestSupport() {
  }

  static long jobs(TestEngine genpay, String sessionId) {
    return await(jobsBySession(genpay)).getOrDefault(sessionId, 0L);
  }

  static Future<Map<String, Long>> jobsBySession(TestEngine genpay) {
    // Every shard's normal stream: card orders' jobs go there.
    List<Future<Response>> streams = TestKeys.allJobs().stream()
        .map(stream -> genpay.redis.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+"))).toList();
    return Future.all(streams).map(all -> {
      Map<String, Long> counts = new HashMap<>();
      for (Future<Response> stream : streams) {
        for (var entry : stream.result()) {
          var fields = entry.get(1);
          for (int i = 0; i + 1 < fields.size(); i += 2) {
            if ("sessionId".equals(fields.get(i).toString())) {
              counts.merge(fields.get(i + 1).toString(), 1L, Long::sum);
            }
          }
        }
      }
      return counts;
    });
  }
}
