package genpay;

import genpay.web.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response is an RFC 9457 problem with this status, and shows no stack trace. */
public final class ProblemAssert {

  private ProblemAssert() {
  }

  public static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(Problems.CONTENT_TYPE, response.getHeader("Content-Type"));
    JsonObject problem = response.bodyAsJsonObject();
    for (String member : List.of("type", "title", "status", "detail")) {
      assertTrue(problem.containsKey(member), "problem has " + member);
    }
    assertEquals(status, problem.getInteger("status"));
    assertFalse(response.bodyAsString().contains("Exception"), "no stack trace");
  }
}
