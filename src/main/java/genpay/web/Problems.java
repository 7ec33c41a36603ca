package genpay.web;

import genpay.config.BusFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details: {@code {type, title, status, detail}}, never a stack trace. */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://genpay.dev/problems/";

  private Problems() {
  }

  public static JsonObject problem(int status, String slug, String title, String detail) {
    return new JsonObject()
        .put("type", TYPE_BASE + slug)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  public static void send(RoutingContext ctx, JsonObject problem) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(problem.getInteger("status"))
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(problem.encode());
  }

  public static void invalid(RoutingContext ctx, InvalidInput invalid) {
    JsonObject problem = problem(400, "invalid-request", "The request is not valid", invalid.getMessage());
    if (invalid.field() != null) {
      problem.put("field", invalid.field());
    }
    send(ctx, problem);
  }

  /** Maps a failed event-bus request (coded by the verticle that failed it) to the problem the client sees. */
  public static JsonObject fromFailure(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> {
          return switch (reply.failureCode()) {
            case BusFailure.NOT_FOUND -> problem(404, "not-found", "Not found", reply.getMessage());
            case BusFailure.BAD_REQUEST -> problem(400, "invalid-request", "The request is not valid", reply.getMessage());
            case BusFailure.BAD_GATEWAY -> problem(502, "payment-provider-refused",
                "The payment provider refused the request", reply.getMessage());
            default -> unavailable("A service the engine depends on is unavailable; try again shortly.");
          };
        }
        case TIMEOUT -> {
          return unavailable("The engine did not get an answer in time; try again shortly.");
        }
        default -> {
          return unavailable("The engine is starting or shutting down; try again shortly.");
        }
      }
    }
    return unavailable("A service the engine depends on is unavailable; try again shortly.");
  }

  public static JsonObject unavailable(String detail) {
    return problem(503, "unavailable", "Service unavailable", detail);
  }
}
