package genpay.mail;

import genpay.config.Addresses;
import genpay.generation.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.SMTPException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * One round of the outbox: claim what is due, render, send, and mark each sent or reschedule it.
 *
 * <p>Each cause is sent at most once in normal operation, whatever the number of nodes and restarts: the claim
 * leases a cause to one node ({@link #LEASE_MS}; a send is bounded well inside it), and the sent mark and the
 * removal from the outbox are one script, after which every claim drops the cause unsent. What remains is a node
 * that dies (or loses Redis for longer than the lease) after the mail server accepted a message but before the
 * mark: the cause stays leased for the rest of the lease, then another node sends it again. A failed send is
 * never lost: the cause stays in the outbox and comes back after a capped, jittered backoff.
 */
public final class MailSender {

  private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);
  /** Another node leaves a claimed cause alone this long; longer than any send (see {@link #SEND_TIMEOUT_MS}). */
  public static final long LEASE_MS = 60_000;
  public static final long SEND_TIMEOUT_MS = 40_000;
  private static final int BATCH = 20;
  private static final long FIRST_RETRY_MS = 5_000;
  private static final long MARK_RETRY_MS = 1_000;
  /** Keeps trying to record a send for about 30 s: until it is recorded, only the lease keeps others off it. */
  private static final int MARK_TRIES = 30;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Pattern ADDRESS = Pattern.compile("[^\\s<>@:;,\"']+@");

  private final Vertx vertx;
  private final MailOutbox outbox;
  private final MailTransport transport;
  private final CauseRenderer renderer;
  private final Backoff backoff;
  private final Clock clock;
  private final Random random = new Random();
  private final Counter sent;
  private final Counter failed;
  private final Counter dropped;

  public MailSender(Vertx vertx, MailOutbox outbox, MailTransport transport, CauseRenderer renderer,
                    long retryMaxMs, Clock clock, MeterRegistry registry) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.transport = transport;
    this.renderer = renderer;
    this.backoff = new Backoff(Math.min(FIRST_RETRY_MS, retryMaxMs), retryMaxMs);
    this.clock = clock;
    this.sent = counter(registry, "sent", "messages accepted by the mail server (or the sandbox mailbox)");
    this.failed = counter(registry, "failed", "sends that failed and wait in the outbox for another try");
    this.dropped = counter(registry, "dropped", "causes with nothing to send (no address, order gone)");
  }

  private static Counter counter(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("genpay.mail").tag("outcome", outcome).description("E-mail by outcome: " + description)
        .register(registry);
  }

  /** Claims and handles what is due; completes with how many causes it handled once each is settled. */
  public Future<Integer> round() {
    long now = clock.millis();
    return outbox.claim(now, now + LEASE_MS, BATCH).compose(claim -> {
      for (String cause : claim.alreadySent()) {
        LOG.info("mail {}: already sent, removed from the outbox", cause);
        notice(cause, "already-sent", 0);
      }
      List<Future<Void>> each = claim.due().stream().map(this::deliver).toList();
      return Future.join(each).transform(done -> Future.succeededFuture(claim.due().size()));
    }).onSuccess(handled -> vertx.eventBus().publish(Addresses.MAIL_ROUND_DONE,
        new JsonObject().put("startedAt", now).put("handled", handled), LOCAL));
  }

  private Future<Void> deliver(MailOutbox.Due due) {
    return renderer.render(due.cause()).transform(rendered -> {
      if (rendered.failed()) {
        return failed(due, rendered.cause());
      }
      Mail mail = rendered.result().mail();
      if (rendered.result().waitMs() > 0) {
        // Not an attempt: the message is not ready to be written yet.
        return outbox.retryAt(due.cause(), due.attempts(), clock.millis() + rendered.result().waitMs())
            .otherwiseEmpty().<Void>mapEmpty()
            .onComplete(done -> notice(due.cause(), "waiting", due.attempts()));
      }
      if (mail == null) {
        return dropped(due, rendered.result().dropReason());
      }
      return transport.send(mail).transform(send -> send.succeeded() ? sent(due, mail) : failed(due, send.cause()));
    });
  }

  private Future<Void> sent(MailOutbox.Due due, Mail mail) {
    sent.increment();
    LOG.info("mail {}: sent to an address at {} (attempt {})", due.cause(), mail.recipientDomain(),
        due.attempts() + 1);
    return markSent(due.cause(), MARK_TRIES).onComplete(done -> notice(due.cause(), "sent", due.attempts() + 1));
  }

  private Future<Void> markSent(String cause, int triesLeft) {
    return outbox.markSent(cause, clock.millis()).recover(failure -> {
      if (triesLeft <= 1) {
        LOG.warn("mail {}: sent, but not recorded as sent ({}); it may be sent again when its lease ends", cause,
            failure.getMessage());
        return Future.succeededFuture();
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(MARK_RETRY_MS, id -> markSent(cause, triesLeft - 1).onComplete(later));
      return later.future();
    });
  }

  private Future<Void> failed(MailOutbox.Due due, Throwable failure) {
    failed.increment();
    int attempts = due.attempts() + 1;
    long delayMs = backoff.delayMs(attempts, random);
    LOG.warn("mail {}: not sent (attempt {}: {}); next try in {} ms", due.cause(), attempts, describe(failure),
        delayMs);
    // The notice follows the write, so whoever hears it finds the attempt recorded.
    return outbox.retryAt(due.cause(), attempts, clock.millis() + delayMs)
        .onFailure(lost -> LOG.warn("mail {}: retry not scheduled ({}); the lease brings it back", due.cause(),
            lost.getMessage()))
        .otherwiseEmpty().<Void>mapEmpty()
        .onComplete(done -> notice(due.cause(), "failed", attempts));
  }

  private Future<Void> dropped(MailOutbox.Due due, String reason) {
    dropped.increment();
    LOG.info("mail {}: nothing to send ({})", due.cause(), reason);
    return outbox.drop(due.cause())
        .onFailure(lost -> LOG.warn("mail {}: not removed from the outbox ({})", due.cause(), lost.getMessage()))
        .otherwiseEmpty()
        .onComplete(done -> notice(due.cause(), "dropped", due.attempts()));
  }

  private void notice(String cause, String outcome, int attempts) {
    vertx.eventBus().publish(Addresses.MAIL_ATTEMPTED,
        new JsonObject().put("cause", cause).put("outcome", outcome).put("attempts", attempts), LOCAL);
  }

  /** A server's reply may quote the recipient: its code says enough, and addresses never reach the log. */
  static String describe(Throwable failure) {
    if (failure instanceof SMTPException smtp) {
      return "SMTP " + smtp.getReplyCode() + (smtp.isPermanent() ? " (permanent)" : " (transient)");
    }
    String message = failure.getMessage() == null ? "" : ADDRESS.matcher(failure.getMessage()).replaceAll("*@");
    return failure.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
