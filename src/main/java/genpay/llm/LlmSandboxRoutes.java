package genpay.llm;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;

/**
 * The HTTP faces of the gemini and ollama sandboxes, each in its API's own JSON shapes (answers and errors), so
 * the real clients run against them unchanged. The body handler runs before them.
 */
public final class LlmSandboxRoutes {

  private LlmSandboxRoutes() {
  }

  /** A router to mount at {@link LlmSandbox#GEMINI_PREFIX}. */
  public static Router gemini(Vertx vertx, LlmSandbox sandbox) {
    Router router = Router.router(vertx);
    router.postWithRegex("/v1beta/models/([A-Za-z0-9._-]+):generateContent").handler(ctx -> {
      String model = ctx.pathParam("param0");
      if (!sandbox.geminiKeyAccepted(ctx.request().getHeader("x-goog-api-key"))) {
        geminiError(ctx, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.");
        return;
      }
      String prompt = geminiPrompt(ctx);
      if (prompt == null) {
        geminiError(ctx, 400, "INVALID_ARGUMENT", "Invalid JSON payload: contents[0].parts[0].text is required.");
        return;
      }
      sandbox.count(ProvidersConfig.GEMINI, prompt).onComplete(counted -> {
        switch (sandbox.rollFault(ProvidersConfig.GEMINI)) {
          case FAIL -> geminiError(ctx, 500, "INTERNAL", "An internal error has occurred (injected).");
          case TOO_MANY_REQUESTS -> {
            ctx.response().putHeader("Retry-After", "1");
            geminiError(ctx, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (injected).");
          }
          case BAD_REQUEST -> geminiError(ctx, 400, "INVALID_ARGUMENT", "Request contains an invalid argument (injected).");
          case NONE -> {
            String text = LlmSandbox.summary(prompt);
            int promptTokens = Math.max(1, prompt.length() / 4);
            int answerTokens = Math.max(1, text.length() / 4);
            JsonObject answer = new JsonObject()
                .put("candidates", new JsonArray().add(new JsonObject()
                    .put("content", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", text)))
                        .put("role", "model"))
                    .put("finishReason", "STOP").put("index", 0)))
                .put("usageMetadata", new JsonObject().put("promptTokenCount", promptTokens)
                    .put("candidatesTokenCount", answerTokens).put("totalTokenCount", promptTokens + answerTokens))
                .put("modelVersion", model);
            json(ctx, 200, answer);
          }
        }
      });
    });
    return router;
  }

  /** A router to mount at {@link LlmSandbox#OLLAMA_PREFIX}. */
  public static Router ollama(Vertx vertx, LlmSandbox sandbox) {
    Router router = Router.router(vertx);
    router.post("/api/generate").handler(ctx -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      String model = body == null ? null : body.getValue("model") instanceof String text ? text : null;
      String prompt = body == null ? null : body.getValue("prompt") instanceof String text ? text : null;
      if (model == null || model.isBlank()) {
        json(ctx, 400, new JsonObject().put("error", "model is required"));
        return;
      }
      if (prompt == null) {
        json(ctx, 400, new JsonObject().put("error", "prompt is required"));
        return;
      }
      sandbox.count(ProvidersConfig.OLLAMA, prompt).onComplete(counted -> {
        switch (sandbox.rollFault(ProvidersConfig.OLLAMA)) {
          case FAIL -> json(ctx, 500, new JsonObject().put("error", "llama runner process has terminated (injected)"));
          case TOO_MANY_REQUESTS -> {
            ctx.response().putHeader("Retry-After", "1");
            json(ctx, 429, new JsonObject().put("error", "server busy, please try again (injected)"));
          }
          case BAD_REQUEST -> json(ctx, 400, new JsonObject().put("error", "invalid request (injected)"));
          case NONE -> json(ctx, 200, new JsonObject().put("model", model)
              .put("created_at", Instant.now().toString())
              .put("response", LlmSandbox.summary(prompt))
              .put("done", true).put("done_reason", "stop")
              .put("total_duration", 0).put("load_duration", 0)
              .put("prompt_eval_count", Math.max(1, prompt.length() / 4)).put("eval_count", 12));
        }
      });
    });
    return router;
  }

  private static String geminiPrompt(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      String text = body.getJsonArray("contents").getJsonObject(0).getJsonArray("parts").getJsonObject(0)
          .getString("text");
      return text == null || text.isEmpty() ? null : text;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void geminiError(RoutingContext ctx, int status, String code, String message) {
    json(ctx, status, new JsonObject().put("error", new JsonObject().put("code", status).put("message", message)
        .put("status", code)));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
