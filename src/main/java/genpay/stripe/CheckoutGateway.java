package genpay.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.model.Refund;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import genpay.config.BusFailure;
import genpay.config.Settings;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stripe-java calls the engine makes. They block on HTTP, so only a worker thread may call them.
 * Against the sandbox the same code runs, with the API base pointed at the engine's own /sandbox/stripe.
 */
public final class CheckoutGateway {

  private static final Logger LOG = LoggerFactory.getLogger(CheckoutGateway.class);

  private final StripeClient client;
  private final Settings settings;

  public CheckoutGateway(Settings settings) {
    this.settings = settings;
    this.client = client(settings);
  }

  /** The client of every gateway: the configured key, or the sandbox's over loopback. */
  static StripeClient client(Settings settings) {
    StripeClient.StripeClientBuilder builder = StripeClient.builder()
        .setApiKey(settings.effectiveStripeKey())
        .setConnectTimeout(5_000)
        .setReadTimeout(15_000)
        .setMaxNetworkRetries(2);
    if (settings.stripeSandbox()) {
      builder.setApiBase(settings.loopbackUrl() + StripeSandbox.API_PREFIX);
      if (settings.https()) {
        builder.setHttpClient(new SelfTrustingStripeHttp(settings.tls().socketFactory()));
      }
    }
    return builder.build();
  }

  /** Creates the Checkout Session; the prompt never leaves the engine, metadata holds only the count and the tool. */
  public JsonObject create(CheckoutCommand command) {
    SessionCreateParams params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl(settings.appUrl() + "/" + command.locale() + "/payment-success/{CHECKOUT_SESSION_ID}")
        .setCancelUrl(settings.appUrl() + "/" + command.locale() + "/tool/" + command.toolSlug() + "?canceled=1")
        .addLineItem(SessionCreateParams.LineItem.builder()
            .setPrice(command.priceId()).setQuantity((long) command.quantity()).build())
        .putMetadata("video_count", String.valueOf(command.quantity()))
        .putMetadata("tool", command.toolSlug())
        .build();
    Session session = createSession("create checkout session", params, command.idempotencyKey());
    LOG.info("session {}: checkout session created at Stripe{}", session.getId(),
        settings.stripeSandbox() ? " (sandbox)" : "");
    return created(session);
  }

  /**
   * Opens a Checkout Session for a credits purchase ({@link CreditsCheckoutCommand}): an ad-hoc price of the
   * package or custom amount, the account in client_reference_id and metadata. The grant trusts the pending
   * purchase the engine stored, never this metadata alone. A Stripe customer per account comes with
   * subscriptions; until then the account's e-mail prefills Checkout.
   */
  public JsonObject createCredits(CreditsCheckoutCommand command) {
    SessionCreateParams.Builder builder = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl(settings.appUrl() + "/" + command.locale() + "/credits?checkout={CHECKOUT_SESSION_ID}")
        .setCancelUrl(settings.appUrl() + "/" + command.locale() + "/credits/buy")
        .setClientReferenceId(command.accountId())
        .setCustomerEmail(command.email())
        .addLineItem(oneItemAt(settings.priceCurrency(), command.priceCents(), command.productName()))
        .putMetadata("kind", CreditsCheckoutCommand.KIND)
        .putMetadata("account_id", command.accountId())
        .putMetadata("bonus", command.bonusText());
    if (command.packageId() != null) {
      builder.putMetadata("package", command.packageId());
    } else {
      builder.putMetadata("credits", command.creditsText());
    }
    Session session = createSession("create credits checkout session", builder.build(), command.idempotencyKey());
    LOG.info("session {}: credits checkout session created at Stripe{}", session.getId(),
        settings.stripeSandbox() ? " (sandbox)" : "");
    return created(session);
  }

  /**
   * Opens the Checkout Session of a paid generation request: mode=payment, an ad-hoc price in cents, the currency
   * lower-cased, metadata {kind, generationRequestId, hostname, provider}. The Idempotency-Key names the request
   * and which of its sessions this is, so callers racing to open the same one get one session.
   */
  public JsonObject createRequestCheckout(RequestCheckoutCommand command) {
    String page = settings.appUrl() + "/" + command.locale();
    SessionCreateParams params = SessionCreateParams.builder()
        .setMode(SessionCreateParams.Mode.PAYMENT)
        .setSuccessUrl(page + "/generation-request/" + command.requestId())
        .setCancelUrl(page + "/site?hostname=" + java.net.URLEncoder.encode(command.hostname(),
            java.nio.charset.StandardCharsets.UTF_8) + "&canceled=1")
        .setClientReferenceId(command.requestId())
        .addLineItem(oneItemAt(command.currency().toLowerCase(java.util.Locale.ROOT), command.amountCents(),
            command.productName()))
        .putMetadata("kind", RequestCheckoutCommand.KIND)
        .putMetadata("generationRequestId", command.requestId())
        .putMetadata("hostname", command.hostname())
        .putMetadata("provider", command.provider())
        .build();
    Session session = createSession("create request checkout session", params, command.idempotencyKey());
    LOG.info("request {}: checkout session {} created at Stripe{}", command.requestId(), session.getId(),
        settings.stripeSandbox() ? " (sandbox)" : "");
    return created(session);
  }

  /** One item at an ad-hoc price (credits packages, generation requests): Stripe wants a product name with it. */
  private static SessionCreateParams.LineItem oneItemAt(String currency, long cents, String productName) {
    return SessionCreateParams.LineItem.builder()
        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
            .setCurrency(currency)
            .setUnitAmount(cents)
            .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder().setName(productName).build())
            .build())
        .setQuantity(1L).build();
  }

  private Session createSession(String what, SessionCreateParams params, String idempotencyKey) {
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    return call(what, () -> client.v1().checkout().sessions().create(params, options));
  }

  /** What the callers of a create need: the session, where to pay it, and what Stripe will charge. */
  private static JsonObject created(Session session) {
    return new JsonObject()
        .put("sessionId", session.getId())
        .put("url", session.getUrl())
        .put("amountTotal", session.getAmountTotal() == null ? 0L : session.getAmountTotal())
        .put("currency", session.getCurrency());
  }

  /** The session as Stripe has it now, as Stripe's raw JSON (read the same way as a webhook's object). */
  public JsonObject retrieve(String sessionId) {
    Session session = call("retrieve " + sessionId, () -> client.v1().checkout().sessions().retrieve(sessionId));
    return new JsonObject(session.getLastResponse().body());
  }

  /**
   * Refunds one video: {@code {paymentIntent, amount, fileId, sessionId}}. The Idempotency-Key is the file's
   * ({@code refund-{fileId}}), so however often this is called for a file, Stripe makes one refund.
   */
  public JsonObject refund(JsonObject command) {
    if (command.getString("requestId") != null) {
      return refundRequest(command);
    }
    String fileId = command.getString("fileId");
    RefundCreateParams params = RefundCreateParams.builder()
        .setPaymentIntent(command.getString("paymentIntent"))
        .setAmount(command.getLong("amount"))
        .putMetadata("file_id", fileId)
        .putMetadata("session_id", command.getString("sessionId"))
        .build();
    RequestOptions options = RequestOptions.builder().setIdempotencyKey("refund-" + fileId).build();
    Refund refund = call("refund file " + fileId, () -> client.v1().refunds().create(params, options));
    return new JsonObject(refund.getLastResponse().body());
  }

  /**
   * Refunds a failed generation request whole: {@code {paymentIntent, amount, requestId}}. Idempotency-Key
   * {@code refund-{requestId}}: however often it is tried, Stripe makes one refund.
   */
  private JsonObject refundRequest(JsonObject command) {
    String requestId = command.getString("requestId");
    RefundCreateParams params = RefundCreateParams.builder()
        .setPaymentIntent(command.getString("paymentIntent"))
        .setAmount(command.getLong("amount"))
        .putMetadata("generation_request_id", requestId)
        .build();
    RequestOptions options = RequestOptions.builder().setIdempotencyKey("refund-" + requestId).build();
    Refund refund = call("refund request " + requestId, () -> client.v1().refunds().create(params, options));
    return new JsonObject(refund.getLastResponse().body());
  }

  public JsonObject expire(String sessionId) {
    Session session = call("expire " + sessionId, () -> client.v1().checkout().sessions().expire(sessionId,
        RequestOptions.getDefault()));
    return new JsonObject(session.getLastResponse().body());
  }

  interface StripeCall<T> {
    T run() throws StripeException;
  }

  static <T> T call(String what, StripeCall<T> call) {
    try {
      return call.run();
    } catch (StripeException e) {
      // The message and request id are safe to log; the key never appears in either.
      LOG.warn("stripe: {} failed: {} (status {}, request {})", what, e.getClass().getSimpleName(),
          e.getStatusCode(), e.getRequestId());
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failureCode(e), "Stripe: " + e.getUserMessage());
    }
  }

  static int failureCode(StripeException e) {
    if (e instanceof ApiConnectionException || e instanceof RateLimitException) {
      return BusFailure.UNAVAILABLE;
    }
    if (e instanceof InvalidRequestException && Integer.valueOf(404).equals(e.getStatusCode())) {
      return BusFailure.NOT_FOUND;
    }
    if (e instanceof ApiException || (e.getStatusCode() != null && e.getStatusCode() >= 500)) {
      return BusFailure.UNAVAILABLE;
    }
    return BusFailure.BAD_GATEWAY;
  }
}
