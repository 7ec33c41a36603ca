package genpay.config;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.Handler;

import java.util.function.Function;

/** Wires a Future-returning handler to an event-bus address: its value is the reply, its failure a coded failure. */
public final class BusReplies {

  private BusReplies() {
  }

  public static <T, R> Handler<Message<T>> answering(Function<T, Future<R>> handler) {
    return message -> {
      Future<R> answer;
      try {
        answer = handler.apply(message.body());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(message::reply).onFailure(failure -> {
        if (failure instanceof ReplyException coded) {
          message.fail(coded.failureCode(), coded.getMessage());
        } else {
          message.fail(BusFailure.UNAVAILABLE, "unavailable: " + failure.getClass().getSimpleName());
        }
      });
    };
  }

  /** The failure is a coded "no such session/file" from the verticle that answered. */
  public static boolean isNotFound(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureCode() == BusFailure.NOT_FOUND;
  }

  public static <T> Future<T> failure(int code, String message) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message));
  }
}
