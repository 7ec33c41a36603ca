package genpay.media;

import genpay.accounts.AuthHandler;
import genpay.config.Addresses;
import genpay.web.Problems;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.regex.Pattern;

/**
 * {@code GET /media/{fileId}} and {@code /media/{fileId}/thumbnail}: 302 to a GET presigned for an hour, asked
 * for anew on every visit, so a link in a page or an e-mail never goes stale; the store serves ranges itself.
 * {@code ?download=1} signs the link with {@code Content-Disposition: attachment}: a download attribute does not
 * count once the redirect leaves the engine's origin.
 * {@code DELETE /api/files/{fileId}}: the owner of an account order deletes its media.
 */
public final class MediaRoutes {

  private static final Pattern FILE_ID = Pattern.compile(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final DeliveryOptions QUICK = new DeliveryOptions().setSendTimeout(10_000);
  private static final DeliveryOptions DELETING = new DeliveryOptions().setSendTimeout(70_000);

  private MediaRoutes() {
  }

  public static void mount(Router router, EventBus bus) {
    router.get("/media/:fileId").handler(ctx -> redirect(ctx, bus, false));
    router.get("/media/:fileId/thumbnail").handler(ctx -> redirect(ctx, bus, true));
    router.delete("/api/files/:fileId").handler(AuthHandler.required()).handler(ctx -> delete(ctx, bus));
  }

  private static boolean validId(RoutingContext ctx) {
    if (FILE_ID.matcher(ctx.pathParam("fileId")).matches()) {
      return true;
    }
    Problems.send(ctx, Problems.problem(400, "invalid-request", "The request is not valid",
        "A file id is a UUID."));
    return false;
  }

  private static void redirect(RoutingContext ctx, EventBus bus, boolean thumbnail) {
    if (!validId(ctx)) {
      return;
    }
    bus.<JsonObject>request(Addresses.MEDIA_LINK, new JsonObject().put("fileId", ctx.pathParam("fileId"))
            .put("thumbnail", thumbnail).put("download", "1".equals(ctx.request().getParam("download"))), QUICK)
        .map(Message::body)
        .onSuccess(answer -> {
          if (answer.getInteger("status") == 302) {
            // The signature is good for an hour: a cached redirect must not outlive it.
            ctx.response().setStatusCode(302).putHeader("Location", answer.getString("location"))
                .putHeader("Cache-Control", "private, max-age=300").end();
          } else {
            problem(ctx, answer);
          }
        })
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private static void delete(RoutingContext ctx, EventBus bus) {
    if (!validId(ctx)) {
      return;
    }
    bus.<JsonObject>request(Addresses.MEDIA_DELETE, new JsonObject().put("fileId", ctx.pathParam("fileId"))
            .put("accountId", AuthHandler.account(ctx).id()), DELETING)
        .map(Message::body)
        .onSuccess(answer -> {
          if (answer.getInteger("status") == 204) {
            ctx.response().setStatusCode(204).end();
          } else {
            problem(ctx, answer);
          }
        })
        .onFailure(failure -> Problems.send(ctx, Problems.fromFailure(failure)));
  }

  private static void problem(RoutingContext ctx, JsonObject answer) {
    int status = answer.getInteger("status");
    String slug = switch (status) {
      case 403 -> "forbidden";
      case 410 -> "gone";
      default -> "not-found";
    };
    String title = switch (status) {
      case 403 -> "Forbidden";
      case 410 -> "Gone";
      default -> "Not found";
    };
    Problems.send(ctx, Problems.problem(status, slug, title, answer.getString("detail")));
  }
}
