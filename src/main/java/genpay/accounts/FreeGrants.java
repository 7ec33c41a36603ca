package genpay.accounts;

import genpay.config.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The free plan's credits for the month, asked of the ledger on an account's first request of each month
 * (UTC). The ledger grants once per account and month whoever asks; this node only remembers it asked, so
 * later requests cost nothing.
 */
public final class FreeGrants {

  private static final Logger LOG = LoggerFactory.getLogger(FreeGrants.class);

  private final EventBus bus;
  private final Clock clock;
  private final Map<String, YearMonth> asked = new ConcurrentHashMap<>();

  public FreeGrants(EventBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  /** Completes once the month's grant is in the ledger (or could not be asked for: the request goes on). */
  public Future<Void> ensure(Account account) {
    YearMonth month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    if (!Plans.FREE.equals(account.plan()) || month.equals(asked.get(account.id()))) {
      return Future.succeededFuture();
    }
    return bus.request(Addresses.CREDITS_FREE_GRANT, new JsonObject().put("accountId", account.id()))
        .onSuccess(granted -> asked.put(account.id(), month))
        .onFailure(failure -> LOG.warn("account {}: free credits of {} not granted yet: {}", account.id(), month,
            failure.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
