package genpay.mail;

/** One message ready to go: a recipient, a subject, and the same content as plain text and as HTML. */
public record Mail(String to, String subject, String text, String html) {

  /** Only the domain of the recipient, for logs: the address itself is the buyer's. */
  public String recipientDomain() {
    int at = to.lastIndexOf('@');
    return at < 0 ? "?" : to.substring(at + 1);
  }
}
