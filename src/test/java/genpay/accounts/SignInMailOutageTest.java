package genpay.accounts;

import genpay.CapturedLog;
import genpay.TestEngine;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static genpay.TestEngine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A mail server that refuses connections: the sign-in request still answers 202, and says so in the log by domain. */
class SignInMailOutageTest {

  @Test
  void aLinkThatCannotBeSentStillAnswers202() throws Exception {
    int nobody = TestEngine.freePort();
    try (TestEngine genpay = TestEngine.start(Map.of("MAIL_URL", "smtp://127.0.0.1:" + nobody))) {
      HttpResponse<Buffer> asked = await(genpay.http.post("/api/auth/email-link")
          .sendJsonObject(new JsonObject().put("email", "someone@outage.example")));
      assertEquals(202, asked.statusCode(), asked.bodyAsString());
      assertEquals(1, await(genpay.redis.send(Request.cmd(Command.KEYS).arg("auth:link:*"))).size(),
          "the link was stored before the send was tried");
      List<String> lines = CapturedLog.lines();
      assertTrue(lines.stream().anyMatch(line -> line.contains("sign-in link for an address at outage.example not sent")),
          "the failure is logged by domain");
      assertTrue(lines.stream().noneMatch(line -> line.contains("someone@")), "never the address");
    }
  }
}
