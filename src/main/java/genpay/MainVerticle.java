package genpay;

import genpay.admin.AdminVerticle;
import genpay.billing.BillingVerticle;
import genpay.config.ClusterStatus;
import genpay.config.Settings;
import genpay.generation.GenerationWorkerVerticle;
import genpay.llm.GuardedPageSource;
import genpay.llm.RequestWorkerVerticle;
import genpay.mail.MailVerticle;
import genpay.metrics.OperatorGauges;
import genpay.metrics.ProbeVerticle;
import genpay.media.MediaVerticle;
import genpay.push.PushMetrics;
import genpay.credits.CreditsVerticle;
import genpay.purchases.CreditPurchaseVerticle;
import genpay.push.PushVerticle;
import genpay.redis.DurableWrites;
import genpay.refunds.RefundVerticle;
import genpay.requests.RequestsVerticle;
import genpay.sessions.SessionStoreVerticle;
import genpay.sessions.StageTimers;
import genpay.sites.ProviderPrices;
import genpay.sites.SitesVerticle;
import genpay.stripe.StripeGatewayVerticle;
import genpay.stripe.StripeWebhooksVerticle;
import genpay.web.HttpVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deploys the components of DESIGN.md section 3, in the order they depend on each other. */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);
  /** stripe-java blocks a thread per call; this many calls may be under way at once. */
  private static final int STRIPE_GATEWAY_INSTANCES = 8;

  private final Settings settings;
  private final PrometheusMeterRegistry registry;

  private final ClusterStatus cluster;

  public MainVerticle(Settings settings, PrometheusMeterRegistry registry, ClusterStatus cluster) {
    this.settings = settings;
    this.registry = registry;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    int httpInstances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    PushMetrics pushMetrics = new PushMetrics(registry);
    StageTimers stages = new StageTimers(registry);
    DurableWrites.register(vertx, registry);
    return vertx.deployVerticle(() -> new SessionStoreVerticle(settings, stages), new DeploymentOptions())
        .onSuccess(id -> LOG.info("sessions: store ready"))
        .compose(id -> vertx.deployVerticle(() -> new StripeGatewayVerticle(settings), new DeploymentOptions()
            .setThreadingModel(ThreadingModel.WORKER).setInstances(STRIPE_GATEWAY_INSTANCES)))
        .onSuccess(id -> LOG.info("stripe: gateway ready ({})",
            settings.stripeSandbox() ? "sandbox at " + settings.appUrl() + "/sandbox/stripe" : "live Stripe API"))
        .compose(id -> vertx.deployVerticle(() -> new StripeWebhooksVerticle(settings, registry),
            new DeploymentOptions()))
        .onSuccess(id -> LOG.info("stripe: webhooks ready ({} secret(s)), sweep of pending orders every {} s",
            settings.stripeWebhookSecrets().size(), settings.reconcileIntervalSeconds()))
        .compose(id -> settings.generationWorker()
            ? vertx.deployVerticle(() -> new GenerationWorkerVerticle(settings, registry, stages), new DeploymentOptions())
                .onSuccess(worker -> LOG.info("generation: worker ready ({})", settings.providerSandbox()
                    ? "sandbox provider at " + settings.appUrl() + "/sandbox/provider"
                    : "provider " + settings.generationApiUrl()))
            : Future.succeededFuture("no worker").onSuccess(none ->
                LOG.info("generation: no worker on this node (GENERATION_WORKER=false)")))
        .compose(id -> settings.generationWorker()
            ? vertx.deployVerticle(() -> new RequestWorkerVerticle(settings,
                workerVertx -> new GuardedPageSource(workerVertx, settings.allowPrivateSites())), new DeploymentOptions())
                .onSuccess(worker -> LOG.info("requests: worker ready (gemini {}, ollama {})",
                    settings.geminiSandbox() ? "sandbox" : "API", settings.ollamaSandbox() ? "sandbox" : settings.ollamaUrl()))
            : Future.succeededFuture("no worker"))
        .compose(id -> vertx.deployVerticle(() -> new CreditsVerticle(settings), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("credits: ledger ready ({} plan(s), {} package(s))", settings.credits().plans().size(),
            settings.credits().packages().size()))
        .compose(id -> vertx.deployVerticle(() -> new CreditPurchaseVerticle(settings), new DeploymentOptions()))
        .compose(id -> vertx.deployVerticle(() -> new BillingVerticle(settings), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("billing: subscriptions ready, sweep of subscribed accounts every {} s",
            settings.reconcileIntervalSeconds()))
        .compose(id -> vertx.deployVerticle(() -> new RefundVerticle(settings, registry), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("refunds: failed and timed-out videos of card orders are refunded (retried every {} s)",
            settings.refundRetrySeconds()))
        .compose(id -> vertx.deployVerticle(() -> new SitesVerticle(settings, ProviderPrices.of(settings.providers())),
            new DeploymentOptions()))
        .onSuccess(id -> LOG.info("sites: calculations ready{}", settings.allowPrivateSites()
            ? " (ALLOW_PRIVATE_SITES: private and loopback sites are fetched too)" : ""))
        .compose(id -> vertx.deployVerticle(() -> new RequestsVerticle(settings), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("requests: generation requests ready, failed paid ones refunded (retried every {} s)",
            settings.refundRetrySeconds()))
        .compose(id -> vertx.deployVerticle(new ProbeVerticle(settings, new OperatorGauges(registry))))
        .compose(id -> vertx.deployVerticle(() -> new MediaVerticle(settings), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("media: links and deletions ready, expired media swept every {} min ({})",
            MediaVerticle.SWEEP_INTERVAL_MS / 60_000, settings.storage()))
        .compose(id -> vertx.deployVerticle(() -> new PushVerticle(registry, pushMetrics), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("push: one status.changed consumer on this node"))
        .compose(id -> vertx.deployVerticle(() -> new AdminVerticle(settings, registry), new DeploymentOptions()))
        .compose(id -> vertx.deployVerticle(() -> new MailVerticle(settings, registry), new DeploymentOptions()))
        .onSuccess(id -> LOG.info("mail: sender ready ({})", settings.mailSandbox()
            ? "sandbox mailbox at " + settings.appUrl() + "/sandbox/mail" : settings.mailUrl()))
        .compose(id -> vertx.deployVerticle(() -> new HttpVerticle(settings, registry, pushMetrics, cluster),
            new DeploymentOptions().setInstances(httpInstances)))
        .onSuccess(id -> LOG.info("http: listening on port {} ({} event loops)", settings.port(), httpInstances));
  }
}
