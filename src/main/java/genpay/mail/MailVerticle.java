package genpay.mail;

import genpay.config.Addresses;
import genpay.config.BusFailure;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * One per node: about once a second, sends the e-mail that is due from the shared outbox; sends at once what
 * comes on {@code mail.send}.
 */
public final class MailVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MailVerticle.class);
  private static final long ROUND_MS = 1_000;

  private final Settings settings;
  private final MeterRegistry registry;
  private Redis redis;
  private MailTransport transport;
  private MailSender sender;
  private boolean busy;
  /** Logs an outage once, and its end, rather than once a round. */
  private boolean failing;
  private long timer;

  public MailVerticle(Settings settings, MeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "mail");
    transport = settings.mailSandbox()
        ? new SandboxMailbox(redis, Clock.systemUTC(), settings.redisTimeoutMs())
        : new SmtpTransport(vertx, settings.mailUrl(), settings.mailFrom(), settings.mailDomain(),
            MailSender.SEND_TIMEOUT_MS);
    sender = new MailSender(vertx, new MailOutbox(redis, settings.shards(), settings.redisTimeoutMs()), transport,
        new CauseRenderer(vertx.eventBus(), settings.appUrl()), settings.mailRetryMaxSeconds() * 1000L,
        Clock.systemUTC(), registry);
    timer = vertx.setPeriodic(ROUND_MS, id -> round());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.MAIL_SEND, this::sendNow).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return transport.close().eventually(() -> redis.close());
  }

  /** A message that skips the outbox (it holds a secret that may not be stored): sent once, or the caller hears. */
  private void sendNow(Message<JsonObject> message) {
    JsonObject body = message.body();
    Mail mail = new Mail(body.getString("to"), body.getString("subject"), body.getString("text"),
        body.getString("html"));
    transport.send(mail)
        .onSuccess(sent -> {
          LOG.info("mail: direct message sent to an address at {}", mail.recipientDomain());
          message.reply(null);
        })
        .onFailure(failure -> {
          LOG.warn("mail: direct message to an address at {} not sent ({})", mail.recipientDomain(),
              MailSender.describe(failure));
          message.fail(BusFailure.UNAVAILABLE, "not sent");
        });
  }

  /** One round at a time: a slow server never piles rounds up. */
  private void round() {
    if (busy) {
      return;
    }
    busy = true;
    sender.round()
        .onSuccess(handled -> {
          if (failing) {
            failing = false;
            LOG.info("mail: the outbox answers again");
          }
        })
        .onFailure(failure -> {
          if (!failing) {
            failing = true;
            LOG.warn("mail: the outbox cannot be read ({}); trying every {} ms", failure.getMessage(), ROUND_MS);
          }
        })
        .onComplete(done -> busy = false);
  }
}
