package genpay.generation;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.function.Function;

/** The provider sandbox's HTTP face: the generate and file endpoints, and the clip and thumbnail it serves. */
public final class ProviderSandboxRoutes {

  private ProviderSandboxRoutes() {
  }

  /** A router to mount at {@link ProviderSandbox#PREFIX}; the body handler runs before it. */
  public static Router create(Vertx vertx, ProviderSandbox sandbox) {
    Router router = Router.router(vertx);
    router.post("/api/v1/file/generate-video").handler(api(vertx, sandbox, ctx -> sandbox.start(
        ctx.body().asJsonObject(), ctx.request().getHeader("Idempotency-Key"))));
    for (String type : new String[] {"image", "audio"}) {
      router.post("/api/v1/file/generate-" + type).handler(api(vertx, sandbox, ctx -> sandbox.start(
          ctx.body().asJsonObject(), ctx.request().getHeader("Idempotency-Key"), type)));
    }
    router.get("/api/v1/file/:id").handler(api(vertx, sandbox, ctx -> sandbox.file(ctx.pathParam("id"))));
    SandboxMedia media = SandboxMedia.create();
    router.get("/media/" + SandboxMedia.IMAGE).handler(ctx -> media.serve(ctx, SandboxMedia.IMAGE));
    router.get("/media/" + SandboxMedia.AUDIO).handler(ctx -> media.serve(ctx, SandboxMedia.AUDIO));
    router.get("/media/" + GeneratedMedia.NAME).handler(GeneratedMedia::serve);
    // Range requests included, so a <video> element can seek.
    router.get("/media/*").handler(StaticHandler.create("sandbox-media").setCachingEnabled(true));
    return router;
  }

  private static Handler<RoutingContext> api(Vertx vertx, ProviderSandbox sandbox,
                                             Function<RoutingContext, Future<JsonObject>> call) {
    return ctx -> {
      if (!sandbox.authorized(ctx.request().getHeader("Authorization"))) {
        error(ctx, new ProviderSandboxError(401, "Invalid or missing Bearer token"));
        return;
      }
      ProviderSandbox.Fault fault = sandbox.rollFault();
      switch (fault) {
        case SERVER_ERROR -> error(ctx, new ProviderSandboxError(503, "Service temporarily unavailable (injected)"));
        case TOO_MANY_REQUESTS -> {
          ctx.response().putHeader("Retry-After", "1");
          error(ctx, new ProviderSandboxError(429, "Too many requests (injected)"));
        }
        // The work is done, the answer comes too late: the caller must not start the job a second time.
        case TIMEOUT, NONE -> {
          Future<JsonObject> answer;
          try {
            answer = call.apply(ctx);
          } catch (ProviderSandboxError e) {
            answer = Future.failedFuture(e);
          } catch (RuntimeException e) {
            answer = Future.failedFuture(new ProviderSandboxError(400, "The body must be a JSON object"));
          }
          if (fault == ProviderSandbox.Fault.TIMEOUT) {
            answer.onComplete(done -> vertx.setTimer(sandbox.timeoutDelayMs(),
                id -> error(ctx, new ProviderSandboxError(504, "Timed out (injected)"))));
            return;
          }
          answer.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
              .onFailure(failure -> error(ctx, failure instanceof ProviderSandboxError known ? known
                  : new ProviderSandboxError(503, "The sandbox's store is unavailable")));
        }
      }
    };
  }

  private static void error(RoutingContext ctx, ProviderSandboxError error) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(error.status).putHeader("Content-Type", "application/json")
        .end(error.toJson().encode());
  }
}
