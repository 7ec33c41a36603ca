package genpay.billing;

import genpay.accounts.AppOrigin;
import genpay.credits.CreditsConfig;
import genpay.credits.Plan;
import genpay.web.InvalidInput;
import genpay.web.JsonBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/** The bodies of the billing endpoints, validated; anything wrong is an {@link InvalidInput} naming the field. */
public final class BillingRequests {

  private static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");
  private static final Pattern SUBSCRIPTION_ID = Pattern.compile("^sub_[A-Za-z0-9_]{1,200}$");

  private BillingRequests() {
  }

  public record Checkout(String plan, String interval, String locale) {
  }

  public record Cancel(String subscriptionId, boolean atPeriodEnd) {
  }

  public record ChangePlan(String subscriptionId, String newPlan, String interval) {
  }

  /** {@code {plan, interval?: monthly (default) | yearly, locale?}}. */
  public static Checkout checkout(Buffer body, CreditsConfig config) {
    JsonObject json = JsonBody.object(body);
    return new Checkout(paidPlan(json, "plan", config), interval(json, "interval", "monthly"), locale(json));
  }

  /** {@code {subscription_id, at_period_end?: true (default) | false}}. */
  public static Cancel cancel(Buffer body) {
    JsonObject json = JsonBody.object(body);
    Object atEnd = json.getValue("at_period_end");
    if (atEnd != null && !(atEnd instanceof Boolean)) {
      throw new InvalidInput("at_period_end", "at_period_end must be true or false.");
    }
    return new Cancel(subscriptionId(json), atEnd == null || (Boolean) atEnd);
  }

  /** {@code {subscription_id, new_plan, interval?}} (interval: the subscription's own when left out). */
  public static ChangePlan changePlan(Buffer body, CreditsConfig config) {
    JsonObject json = JsonBody.object(body);
    return new ChangePlan(subscriptionId(json), paidPlan(json, "new_plan", config), interval(json, "interval", null));
  }

  /**
   * {@code {return_url?}}: a path of the app or a URL of its own origin (never another site: the portal's return link
   * must not be an open redirect); the account page when left out.
   */
  public static String portalReturnUrl(Buffer body, String appUrl) {
    JsonObject json = body == null || body.length() == 0 ? new JsonObject() : JsonBody.object(body);
    Object value = json.getValue("return_url");
    if (value == null) {
      return appUrl + "/en/account";
    }
    if (!(value instanceof String url) || url.isBlank() || url.length() > 2000) {
      throw new InvalidInput("return_url", "return_url must be a path of this site or a URL of " + appUrl + ".");
    }
    if (url.startsWith("/") && !url.startsWith("//") && !url.contains("\\") && url.chars().noneMatch(c -> c < 0x21)) {
      return appUrl + url;
    }
    try {
      URI uri = new URI(url);
      AppOrigin app = new AppOrigin(appUrl);
      if (uri.getScheme() != null && uri.getHost() != null && uri.getUserInfo() == null
          && app.sentByApp(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()),
              null)) {
        return url;
      }
    } catch (URISyntaxException | IllegalArgumentException e) {
      // refused below
    }
    throw new InvalidInput("return_url", "return_url must be a path of this site or a URL of " + appUrl + ".");
  }

  private static String paidPlan(JsonObject json, String field, CreditsConfig config) {
    List<String> paid = config.plans().values().stream().filter(Plan::paid).map(Plan::id).sorted().toList();
    Object value = json.getValue(field);
    if (!(value instanceof String plan) || config.plan(plan) == null || !config.plan(plan).paid()) {
      throw new InvalidInput(field, field + " must be one of " + String.join(", ", paid) + ".");
    }
    return plan;
  }

  private static String interval(JsonObject json, String field, String otherwise) {
    Object value = json.getValue(field);
    if (value == null) {
      return otherwise;
    }
    if (!(value instanceof String interval) || !Plan.INTERVALS.contains(interval)) {
      throw new InvalidInput(field, field + " must be monthly or yearly.");
    }
    return interval;
  }

  private static String subscriptionId(JsonObject json) {
    Object value = json.getValue("subscription_id");
    if (!(value instanceof String id) || !SUBSCRIPTION_ID.matcher(id).matches()) {
      throw new InvalidInput("subscription_id", "subscription_id must be a Stripe subscription id (sub_…).");
    }
    return id;
  }

  private static String locale(JsonObject json) {
    Object value = json.getValue("locale");
    if (value == null) {
      return "en";
    }
    if (!(value instanceof String locale) || !LOCALE.matcher(locale).matches()) {
      throw new InvalidInput("locale", "locale must look like en or en-US.");
    }
    return locale;
  }
}
