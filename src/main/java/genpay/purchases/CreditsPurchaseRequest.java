package genpay.purchases;

import genpay.credits.CreditPackage;
import genpay.credits.CreditsConfig;
import genpay.credits.CustomAmount;
import genpay.web.InvalidInput;
import io.vertx.core.buffer.Buffer;
import genpay.web.JsonBody;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * The body of POST /api/payment/checkout/credits, validated: {@code {package}} or {@code {credits_amount}}
 * (whole credits), never both, and an optional {@code locale}. Credits and bonus in hundredths, price in cents.
 */
public record CreditsPurchaseRequest(String packageId, long credits, long bonus, long priceCents, String locale) {

  private static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");

  public static CreditsPurchaseRequest parse(Buffer body, CreditsConfig config) {
    JsonObject json = JsonBody.object(body);
    Object packageValue = json.getValue("package");
    Object amountValue = json.getValue("credits_amount");
    String locale = locale(json.getValue("locale"));
    if (packageValue != null && amountValue != null) {
      throw new InvalidInput("credits_amount", "Send either package or credits_amount, not both.");
    }
    if (packageValue == null && amountValue == null) {
      throw new InvalidInput("package", "Send package (one of " + String.join(", ", config.packages().keySet())
          + ") or credits_amount (whole credits).");
    }
    if (packageValue != null) {
      CreditPackage chosen = packageValue instanceof String id ? config.creditPackage(id) : null;
      if (chosen == null) {
        throw new InvalidInput("package", "Unknown package; one of " + String.join(", ", config.packages().keySet())
            + ".");
      }
      return new CreditsPurchaseRequest(chosen.id(), chosen.credits(), chosen.bonus(), chosen.priceCents(), locale);
    }
    CustomAmount custom = config.custom();
    if (!(amountValue instanceof Integer || amountValue instanceof Long)) {
      throw new InvalidInput("credits_amount", "credits_amount must be a whole number of credits from "
          + custom.min() + " to " + custom.max() + ".");
    }
    long credits = ((Number) amountValue).longValue();
    if (!custom.accepts(credits)) {
      throw new InvalidInput("credits_amount", "credits_amount must be from " + custom.min() + " to " + custom.max()
          + " (got " + credits + ").");
    }
    return new CreditsPurchaseRequest(null, credits * 100, 0, custom.priceCents(credits), locale);
  }

  private static String locale(Object value) {
    if (value == null) {
      return "en";
    }
    if (!(value instanceof String locale) || !LOCALE.matcher(locale).matches()) {
      throw new InvalidInput("locale", "locale must look like en or en-US.");
    }
    return locale;
  }

}
