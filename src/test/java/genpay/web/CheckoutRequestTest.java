package genpay.web;

import genpay.config.Settings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CheckoutRequestTest {

  private static final Settings SETTINGS = Settings.from(new JsonObject(), Map.of());

  @Test
  void acceptsAFullRequestAndFillsDefaults() {
    CheckoutRequest request = CheckoutRequest.parse(
        Buffer.buffer("{\"quantity\":3,\"prompt\":\"a fox\",\"priceId\":\"price_sandbox_video\",\"toolSlug\":\"veo3\"}"),
        SETTINGS);
    assertEquals(3, request.quantity());
    assertEquals("a fox", request.prompt());
    assertEquals("veo3", request.toolSlug());
    assertEquals(CheckoutRequest.DEFAULT_TOOL_TITLE, request.toolTitle());
    assertEquals("en", request.locale());
  }

  @Test
  void countsCharactersNotUtf16Units() {
    String emoji = "🎬".repeat(Settings.MAX_PROMPT_LENGTH);
    CheckoutRequest request = CheckoutRequest.parse(
        Buffer.buffer(new JsonObject().put("quantity", 1).put("prompt", emoji).encode()), SETTINGS);
    assertEquals(emoji, request.prompt());
    InvalidInput tooLong = assertThrows(InvalidInput.class, () -> CheckoutRequest.parse(
        Buffer.buffer(new JsonObject().put("quantity", 1).put("prompt", emoji + "a").encode()), SETTINGS));
    assertEquals("prompt", tooLong.field());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"quantity\":0,\"prompt\":\"x\"}|quantity",
      "{\"quantity\":11,\"prompt\":\"x\"}|quantity",
      "{\"quantity\":\"3\",\"prompt\":\"x\"}|quantity",
      "{\"quantity\":2.5,\"prompt\":\"x\"}|quantity",
      "{\"prompt\":\"x\"}|quantity",
      "{\"quantity\":1,\"prompt\":\"\"}|prompt",
      "{\"quantity\":1,\"prompt\":\"   \"}|prompt",
      "{\"quantity\":1}|prompt",
      "{\"quantity\":1,\"prompt\":7}|prompt",
      "{\"quantity\":1,\"prompt\":\"x\",\"priceId\":\"price_other\"}|priceId",
      "{\"quantity\":1,\"prompt\":\"x\",\"toolSlug\":\"Bad Slug\"}|toolSlug",
      "{\"quantity\":1,\"prompt\":\"x\",\"locale\":\"english\"}|locale",
      "[1,2]|",
      "{quantity:|",
      "\"text\"|",
  })
  void refusesBadInputNamingTheField(String body, String field) {
    InvalidInput e = assertThrows(InvalidInput.class, () -> CheckoutRequest.parse(Buffer.buffer(body), SETTINGS));
    assertEquals(field, e.field());
  }
}
