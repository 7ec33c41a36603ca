package genpay.mail;

import io.vertx.core.Future;

/** Where a rendered message goes: an SMTP server, or the sandbox mailbox. Succeeds once the message is accepted. */
public interface MailTransport {

  Future<Void> send(Mail mail);

  Future<Void> close();
}
