package genpay.sites;

import genpay.config.Addresses;
import genpay.config.Settings;
import genpay.redis.RedisClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.time.Clock;

import static genpay.config.BusReplies.answering;

/** Serves {@link Addresses#SITES_CALCULATE}: a site's URL count and prices ({@link SiteCalculations}). */
public final class SitesVerticle extends VerticleBase {

  private final Settings settings;
  private final ProviderPrices prices;
  private Redis redis;
  private GuardedFetcher fetcher;

  public SitesVerticle(Settings settings, ProviderPrices prices) {
    this.settings = settings;
    this.prices = prices;
  }

  @Override
  public Future<?> start() {
    redis = RedisClients.create(vertx, settings, "sites");
    fetcher = new GuardedFetcher(vertx, settings.allowPrivateSites());
    SiteCalculations calculations = new SiteCalculations(redis, settings.redisTimeoutMs(),
        new SitemapReader(fetcher), prices, settings.allowPrivateSites(), Clock.systemUTC());
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.SITES_CALCULATE, answering(calculations::calculate))
        .completion();
  }

  @Override
  public Future<?> stop() {
    fetcher.close();
    redis.close();
    return Future.succeededFuture();
  }
}
