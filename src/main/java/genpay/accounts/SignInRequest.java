package genpay.accounts;

import genpay.mail.MailTemplates;
import genpay.web.InvalidInput;
import io.vertx.core.buffer.Buffer;
import genpay.web.JsonBody;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * {@code POST /api/auth/email-link {email, next?, locale?}}. A {@code next} that is not a same-origin path is
 * replaced by the account page rather than refused; {@code locale} (else the one {@code next} starts with, else
 * en) picks the mail's language and the account page.
 */
public record SignInRequest(String email, String next, String locale) {

  private static final int MAX_EMAIL = 254;
  /** One @, something on each side, a dot in the domain; nothing a header or a URL could be bent with. */
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@<>()\\[\\]\\\\,;:\"']{1,64}@[A-Za-z0-9.-]+\\.[A-Za-z0-9-]{2,}$");

  public static SignInRequest parse(Buffer body) {
    JsonObject json = JsonBody.object(body);
    Object email = json.getValue("email");
    if (!(email instanceof String address) || address.isBlank()) {
      throw new InvalidInput("email", "email is required.");
    }
    address = address.strip();
    if (address.length() > MAX_EMAIL || !EMAIL.matcher(address).matches()) {
      throw new InvalidInput("email", "email is not an e-mail address.");
    }
    Object next = json.getValue("next");
    if (next != null && !(next instanceof String)) {
      throw new InvalidInput("next", "next must be a path on this site, such as /en/account.");
    }
    Object locale = json.getValue("locale");
    if (locale != null && (!(locale instanceof String code) || !MailTemplates.LOCALE.matcher(code).matches())) {
      throw new InvalidInput("locale", "locale must look like en or en-US.");
    }
    String chosen = locale != null ? (String) locale : NextPath.localeOf((String) next);
    chosen = chosen == null ? "en" : chosen;
    return new SignInRequest(address, NextPath.safe((String) next, chosen), chosen);
  }

}
