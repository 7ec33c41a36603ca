package genpay.config;

/**
 * Every event-bus address of the engine, in one place. Commands are served by local consumers, so a node
 * answers its own requests; only {@code status.changed}, {@code credits.changed.cluster} and {@code jobs.queued} cross
 * the cluster, one publish per change.
 */
public final class Addresses {

  /** Store a new pending order; replies with its snapshot. */
  public static final String SESSIONS_CREATE = "sessions.create";
  /** Read a session snapshot; fails 404 when unknown. */
  public static final String SESSIONS_GET = "sessions.get";
  /**
   * Store an order paid with credits, already processing, with its jobs: {@code {orderId, accountId, type, prompt,
   * quantity, unitCost (hundredths), quality?, durationSeconds?, locale?}} → the session snapshot. A repeat
   * with the same order id stores nothing and answers the order as stored.
   */
  public static final String SESSIONS_CREDIT_ORDER = "sessions.credit.order";
  /** Apply what Stripe says of a Checkout Session (paid, expired, failed); replies with the outcome. */
  public static final String SESSIONS_APPLY = "sessions.apply";
  /** Ids of one shard's sessions still pending created before a time, oldest first: {@code {shard, createdBefore, offset, limit}}. */
  public static final String SESSIONS_PENDING = "sessions.pending";
  /** Read one file: {@code {fileId}}; fails 404 when unknown. */
  public static final String SESSIONS_FILE_GET = "sessions.file.get";
  /** A file's progress at the provider ({@link genpay.sessions.FileUpdate}); replies {@code {outcome, session, file}}. */
  public static final String SESSIONS_FILE_UPDATE = "sessions.file.update";
  /**
   * Owed refunds that are due, leased to the caller: {@code {sessionId?, fileId?, leaseMs, limit}} → {@code {refunds}};
   * one file of one order when both ids are given, else every shard's.
   */
  public static final String SESSIONS_REFUNDS_CLAIM = "sessions.refunds.claim";
  /** One move of a file's refund: {@code {fileId, from, to, counted, refundId?, error?}}; fails 404 without one. */
  public static final String SESSIONS_REFUND_RECORD = "sessions.refund.record";
  /** Is Redis reachable? Replies or fails 503. */
  public static final String SESSIONS_PING = "sessions.ping";

  /**
   * Jobs were queued in a shard's streams, cluster-wide: {@code {queue: generation|requests, shard}}. Workers read
   * that shard at once instead of waiting for their periodic look at every shard (genpay.generation.StreamConsumer).
   */
  public static final String JOBS_QUEUED = "jobs.queued";

  /** One publish per committed change, cluster-wide: the new session snapshot and, for a file change, the file. */
  public static final String STATUS_CHANGED = "status.changed";

  /**
   * One publish per committed change of a generation request, cluster-wide like {@link #STATUS_CHANGED}: the
   * request as {@code GET /api/generation-requests/{id}} shows it, with its {@code version}. One consumer per node
   * (PushVerticle) fans it out to the request's streams.
   */
  public static final String REQUESTS_CHANGED = "requests.changed";

  /** A Stripe webhook as received: {@code {payload, signature}}; replies with the HTTP status to answer. */
  public static final String STRIPE_WEBHOOK = "stripe.webhook";
  /** Reconcile one session with Stripe now: {@code {sessionId}}; replies with the snapshot as it then is. */
  public static final String STRIPE_SYNC = "stripe.sync";
  /** Run the sweep of old pending sessions now (the timer runs it too); replies with the count reconciled. */
  public static final String STRIPE_SWEEP = "stripe.sweep";

  /** Local-only notice that a stream was dropped because its reader stopped reading: {@code {type, id}}. */
  public static final String PUSH_DROPPED = "push.dropped";

  /**
   * Where a file's stored media is: {@code {fileId, thumbnail}} → {@code {status: 302, location}} (a presigned GET),
   * or {@code {status: 404|410, detail}} when nothing is stored or it was deleted.
   */
  public static final String MEDIA_LINK = "media.link";
  /**
   * The owner deletes a file's media: {@code {fileId, accountId}} → {@code {status: 204}}, or {@code {status:
   * 403|404, detail}}; the objects are gone from the store before it answers.
   */
  public static final String MEDIA_DELETE = "media.delete";
  /**
   * Charge storage for {@code {month: yyyy-mm}} to every account that kept media then (a timer does it daily for
   * the month just ended); replies {@code {month, charged, repeated, refused}}.
   */
  public static final String MEDIA_CHARGE = "media.charge";
  /**
   * Run the sweep of media whose order expired by {@code now} (default: now; the timer runs it too); replies
   * {@code {deleted}}.
   */
  public static final String MEDIA_SWEEP = "media.sweep";

  /** Local-only notice that a generation job was acknowledged: {@code {sessionId, fileId, outcome}}. */
  public static final String GENERATION_JOB_DONE = "generation.job.done";

  /** Local-only: a file of a card order ended failed or timed out and owes a refund: {@code {fileId, sessionId}}. */
  public static final String REFUNDS_OWED = "refunds.owed";
  /** Issue every owed refund that is due now (the timer does it too); replies {@code {taken}}. */
  public static final String REFUNDS_SWEEP = "refunds.sweep";

  /**
   * Refund part of a payment at Stripe (worker verticle): {@code {paymentIntent, amount, fileId, sessionId}}, or a
   * failed generation request whole: {@code {paymentIntent, amount, requestId}}.
   */
  public static final String STRIPE_REFUND_CREATE = "stripe.refund.create";

  /**
   * Local-only notice after each try of an e-mail: {@code {cause, outcome: sent|failed|dropped|waiting|already-sent,
   * attempts}}.
   */
  public static final String MAIL_ATTEMPTED = "mail.attempted";
  /** Local-only notice that a round of the outbox ended, every send it began settled: {@code {startedAt, handled}}. */
  public static final String MAIL_ROUND_DONE = "mail.round.done";

  /**
   * Local-only: send one message now, outside the outbox: {@code {to, subject, text, html}}; replies once the
   * mail server (or the sandbox mailbox) took it, fails otherwise. For what must not be stored, such as a
   * sign-in link.
   */
  public static final String MAIL_SEND = "mail.send";


  /** Create a Checkout Session at Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_CREATE = "stripe.checkout.create";
  /** Create a Checkout Session for a credits purchase at Stripe (worker verticle): {@link genpay.stripe.CreditsCheckoutCommand}. */
  public static final String STRIPE_CREDITS_CHECKOUT_CREATE = "stripe.credits.checkout.create";
  /** Retrieve a Checkout Session from Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_RETRIEVE = "stripe.checkout.retrieve";
  /** Expire an open Checkout Session at Stripe (worker verticle). */
  public static final String STRIPE_CHECKOUT_EXPIRE = "stripe.checkout.expire";

  /*
   * Credits (genpay.credits.CreditsVerticle). Amounts are credits as JSON numbers with two decimals. A write
   * replies {@code {status: applied, balance, entryId, bucket, duplicate}} or {@code {status: refused, reason,
   * needed, balance}}; bad input fails 400, Redis trouble 503 (maybe applied: repeat with the same source id).
   */
  /**
   * {@code {accountId, type: purchase|bonus|subscription_grant|free_grant|adjustment, amount, sourceId, expiresAt?,
   * description?, at?}}; {@code at} (ISO-8601) moves the account's ledger time to max(now, at) first.
   */
  public static final String CREDITS_GRANT = "credits.grant";
  /** The free plan's grant of this UTC month, once: {@code {accountId}}. */
  public static final String CREDITS_FREE_GRANT = "credits.free.grant";
  /** {@code {accountId, amount, sourceId, operation, model, description?}}; refused whole when short. */
  public static final String CREDITS_SPEND = "credits.spend";
  /** {@code {accountId, amount, sourceId, spentSourceId, description?}}: gives back part of one spend, once. */
  public static final String CREDITS_REFUND = "credits.refund";
  /** {@code {accountId}} → {@code {expired, balance, buckets}}. */
  public static final String CREDITS_EXPIRE = "credits.expire";
  /** {@code {accountId}} → {@code {balance, buckets:[{id, source, sourceId, remaining, expiresAt}]}}. */
  public static final String CREDITS_BALANCE = "credits.balance";
  /** {@code {accountId, page?, limit?, type?, q?}} → {@code {items, page, limit, total}}, newest first. */
  public static final String CREDITS_ENTRIES = "credits.entries";
  /** {@code {accountId, days?}} → {@code {days:[{date, credits, count, refunded, byType, byModel}]}}. */
  public static final String CREDITS_USAGE_DAILY = "credits.usage.daily";
  /** {@code {accountId, from, to}} (yyyy-mm-dd, UTC) → {@code {from, to, credits, count, refunded, byType, byModel}}. */
  public static final String CREDITS_USAGE_SUMMARY = "credits.usage.summary";
  /** {@code {accountId, from, to}} → {@code {models: {model: {credits, count}}}}. */
  public static final String CREDITS_USAGE_MODELS = "credits.usage.models";
  /** Local-only notice after each applied (not repeated) write: {@code {accountId, type, balance, entryId}}. */
  public static final String CREDITS_CHANGED = "credits.changed";
  /**
   * Cluster-wide, one publish per applied ledger write (same JSON as {@link #CREDITS_CHANGED}): an account's live
   * stream may be open on another node than the one that wrote. One consumer per node (PushVerticle).
   */
  public static final String CREDITS_CHANGED_CLUSTER = "credits.changed.cluster";
  /** Local: a node's copy of {@link #CREDITS_CHANGED_CLUSTER}, fanned out by each HTTP instance to its account streams. */
  public static final String ACCOUNT_PUSH_DELIVER = "push.account.deliver";

  /*
   * Buying credits (genpay.purchases.CreditPurchaseVerticle). Each replies or fails coded like the others
   * (400 bad input, 404 unknown purchase, 502 Stripe refused, 503 unavailable).
   */
  /**
   * Open a Checkout Session for a purchase and remember it: {@code {accountId, email, locale, package?,
   * creditsAmount?}} → {@code {sessionId, url}}.
   */
  public static final String PURCHASES_CHECKOUT = "purchases.checkout";
  /**
   * Apply what Stripe says of a credits Checkout Session (its raw JSON, as a webhook carries it): {@code {session}}
   * → {@code {outcome: granted|already-granted|waiting|unknown|mismatch, balance?}}.
   */
  public static final String PURCHASES_APPLY = "purchases.apply";
  /**
   * One purchase as remembered, for its e-mail: {@code {sessionId}} → {@code {sessionId, accountId, packageId,
   * credits, bonus, priceCents, currency, email, locale}}; 404 when unknown.
   */
  public static final String PURCHASES_GET = "purchases.get";
  /** Ask Stripe about one purchase of an account and apply it: {@code {accountId, sessionId}}; 404 if not its own. */
  public static final String PURCHASES_SYNC = "purchases.sync";

  /*
   * Stripe Billing calls (genpay.stripe.BillingGateway on the gateway's worker verticle). Each replies Stripe's raw
   * JSON; failures are coded (404 unknown at Stripe, 502 refused, 503 unavailable).
   */
  /** {@code {accountId, email}} → the customer (Idempotency-Key {@code customer-{accountId}}). */
  public static final String STRIPE_CUSTOMER_CREATE = "stripe.customer.create";
  /** {@code {customerId}} → the customer. */
  public static final String STRIPE_CUSTOMER_RETRIEVE = "stripe.customer.retrieve";
  /** {@code {accountId, customerId, priceId, plan, interval, locale, idempotencyKey}} → the Checkout Session. */
  public static final String STRIPE_SUBSCRIPTION_CHECKOUT_CREATE = "stripe.subscription.checkout.create";
  /** {@code {subscriptionId}} → the subscription. */
  public static final String STRIPE_SUBSCRIPTION_RETRIEVE = "stripe.subscription.retrieve";
  /** {@code {subscriptionId, cancelAtPeriodEnd?, itemId?, priceId?, prorationBehavior?}} → the subscription. */
  public static final String STRIPE_SUBSCRIPTION_UPDATE = "stripe.subscription.update";
  /** {@code {subscriptionId}}: cancel now → the subscription. */
  public static final String STRIPE_SUBSCRIPTION_CANCEL = "stripe.subscription.cancel";
  /** {@code {customer?, subscription?, status?, limit?}} → Stripe's list of invoices, newest first. */
  public static final String STRIPE_INVOICES_LIST = "stripe.invoices.list";
  /** {@code {invoiceId}} → the invoice. */
  public static final String STRIPE_INVOICE_RETRIEVE = "stripe.invoice.retrieve";
  /** {@code {customerId}} → Stripe's list of the customer's cards. */
  public static final String STRIPE_PAYMENT_METHODS_LIST = "stripe.payment.methods.list";
  /** {@code {customer, returnUrl}} → the billing portal session. */
  public static final String STRIPE_BILLING_PORTAL_CREATE = "stripe.billing.portal.create";
  /** {@code {testClockId}} → the test clock (its frozen_time is Stripe's now for its customers). */
  public static final String STRIPE_TEST_CLOCK_RETRIEVE = "stripe.test.clock.retrieve";

  /*
   * Subscriptions (genpay.billing.BillingVerticle). Failures are coded like the others (400, 404, 409 already
   * subscribed, 502, 503).
   */
  /** {@code {accountId, email, plan, interval, locale}} → {@code {sessionId, url}}. */
  public static final String BILLING_CHECKOUT = "billing.checkout";
  /** {@code {accountId, maxAgeMs?}} → {@code {plan, subscription}} (synced first when older than maxAgeMs). */
  public static final String BILLING_SUBSCRIPTION = "billing.subscription";
  /** {@code {accountId, subscriptionId, atPeriodEnd}} → {@code {plan, subscription}}; 404 if not the account's. */
  public static final String BILLING_CANCEL = "billing.cancel";
  /** {@code {accountId, subscriptionId, newPlan, interval?}} → {@code {plan, subscription}}; 404 if not the account's. */
  public static final String BILLING_CHANGE_PLAN = "billing.change.plan";
  /** {@code {accountId, email, returnUrl}} → {@code {url}}. */
  public static final String BILLING_PORTAL = "billing.portal";
  /** {@code {accountId}} → {@code {items}} (cards). */
  public static final String BILLING_PAYMENT_METHODS = "billing.payment.methods";
  /** {@code {accountId}} → {@code {items}} (invoices). */
  public static final String BILLING_INVOICES = "billing.invoices";
  /** A verified Stripe event billing handles: {@code {id, type, object}} → {@code {outcome}}; fails when not synced. */
  public static final String BILLING_EVENT = "billing.event";
  /** {@code {subscriptionId}} → {@code {outcome, accountId?, subscription?}}: the one sync function. */
  public static final String BILLING_SYNC = "billing.sync";
  /** Sync subscribed accounts not synced for {@code olderThanMs} (default an hour) → {@code {synced}}. */
  public static final String BILLING_SWEEP = "billing.sweep";
  /** {@code {invoiceId}} → what the payment-failed mail says: {@code {email, locale, plan, amountDue, currency, ...}}. */
  public static final String BILLING_PAYMENT_FAILED_MAIL = "billing.payment.failed.mail";
  /**
   * Local-only notice after a sync stored a newer state or granted credits: {@code {accountId, subscriptionId, status,
   * plan (the price's), accountPlan (what the account now has), cancelAtPeriodEnd, granted}}.
   */
  public static final String BILLING_CHANGED = "billing.changed";

  /**
   * A site's calculation (genpay.sites.SitesVerticle): {@code {hostname}} → {@code {hostname, urlCount, complete,
   * prices: {provider: {total, perUrl, currency, paid}}, calculatedAt}}; found in Redis or made by reading the
   * site's sitemaps. Fails 400 for a bad or non-public hostname, 502 when the site could not be read, 503.
   */
  public static final String SITES_CALCULATE = "sites.calculate";

  /*
   * Generation requests (genpay.requests.RequestsVerticle, DESIGN.md section 16). Failures are coded like the
   * others (400 bad input or a site that may not be read, 404 unknown request, 502, 503).
   */
  /**
   * {@code {hostname, provider, locale?}} → {@code {created, request}}: the open request for the hostname and
   * provider, or a new one (free: queued; paid: with its payment link, renewed when expired, queued when paid).
   */
  public static final String REQUESTS_SUBMIT = "requests.submit";
  /** {@code {id}} → the request as the API shows it; 404 when unknown. */
  public static final String REQUESTS_GET = "requests.get";
  /** {@code {id}} → {@code {request, document?}}: the llms.txt once completed; 404 when unknown. */
  public static final String REQUESTS_RESULT = "requests.result";
  /** What Stripe says of a request's Checkout Session (raw JSON): {@code {session}} → {@code {outcome}}. */
  public static final String REQUESTS_APPLY = "requests.apply";
  /** Ask Stripe about a request awaiting payment (a page watches it): {@code {id}} → {@code {outcome}}. */
  public static final String REQUESTS_SYNC = "requests.sync";
  /** Look at every paid request the refund sweep watches now (the timer does it too) → {@code {refunded}}. */
  public static final String REQUESTS_REFUNDS_SWEEP = "requests.refunds.sweep";
  /** Open the Checkout Session of a paid generation request (worker verticle): {@link genpay.stripe.RequestCheckoutCommand}. */
  public static final String STRIPE_REQUEST_CHECKOUT_CREATE = "stripe.request.checkout.create";

  /*
   * The admin console (genpay.admin.AdminVerticle, DESIGN.md section 19). Failures are coded like the others (400,
   * 404, 409 an action that does not apply to the order as it is, 503).
   */
  /** {@code {status?, from?, to?, q?, page?, limit?}} (the query strings as sent) → {@code {items, page, limit, total}}. */
  public static final String ADMIN_ORDERS = "admin.orders";
  /** {@code {id}} → the order with its files, Stripe events, refunds, e-mails and audit entries; 404 when unknown. */
  public static final String ADMIN_ORDER = "admin.order";
  /** {@code {status?, page?, limit?}} → {@code {items, page, limit, total}}: files newest first. */
  public static final String ADMIN_FILES = "admin.files";
  /** {@code {from, to}} → the funnel of the orders created in the period. */
  public static final String ADMIN_FUNNEL = "admin.funnel";
  /**
   * {@code {action: retry|refund-file|refund-order|resend-email|expire, target, admin, reason}} → {@code {outcome,
   * session?}}; each is appended to the audit.
   */
  public static final String ADMIN_ACTION = "admin.action";

  private Addresses() {
  }
}
