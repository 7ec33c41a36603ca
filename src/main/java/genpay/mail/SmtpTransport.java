package genpay.mail;

import genpay.config.MailUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.util.concurrent.TimeUnit;

/** Sends over SMTP with vertx-mail-client: TLS from the start for smtps, STARTTLS where offered for smtp. */
public final class SmtpTransport implements MailTransport {

  private static final int CONNECT_TIMEOUT_MS = 10_000;
  /** A server that stops answering mid-conversation is a failed send, not a hang. */
  private static final int IDLE_TIMEOUT_SECONDS = 30;

  private final MailClient client;
  private final String from;
  private final long sendTimeoutMs;

  /**
   * {@code ownHostname} is what EHLO says (APP_URL's host): set here so the client never looks the machine's
   * name up, which would block. {@code sendTimeoutMs} bounds a whole send.
   */
  public SmtpTransport(Vertx vertx, MailUrl url, String from, String ownHostname, long sendTimeoutMs) {
    this.from = from;
    this.sendTimeoutMs = sendTimeoutMs;
    MailConfig config = new MailConfig()
        .setHostname(url.host())
        .setPort(url.port())
        .setSsl(url.implicitTls())
        .setStarttls(url.implicitTls() ? StartTLSOptions.DISABLED : StartTLSOptions.OPTIONAL)
        .setLogin(url.authenticates() ? LoginOption.REQUIRED : LoginOption.DISABLED)
        .setOwnHostname(ownHostname)
        .setKeepAlive(true)
        .setMaxPoolSize(4);
    if (url.authenticates()) {
      config.setUsername(url.username()).setPassword(url.password() == null ? "" : url.password());
    }
    config.setConnectTimeout(CONNECT_TIMEOUT_MS);
    config.setIdleTimeout(IDLE_TIMEOUT_SECONDS);
    config.setIdleTimeoutUnit(TimeUnit.SECONDS);
    this.client = MailClient.create(vertx, config);
  }

  @Override
  public Future<Void> send(Mail mail) {
    MailMessage message = new MailMessage()
        .setFrom(from)
        .setTo(mail.to())
        .setSubject(mail.subject())
        .setText(mail.text())
        .setHtml(mail.html());
    return client.sendMail(message).timeout(sendTimeoutMs, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
