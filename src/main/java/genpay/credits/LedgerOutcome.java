package genpay.credits;

import io.vertx.core.json.JsonObject;

/** What one ledger write did: applied (perhaps earlier: a duplicate), or refused whole with nothing changed. */
public sealed interface LedgerOutcome {

  JsonObject toJson();

  /** {@code balance} after the write (for a duplicate: as the first time left it); {@code bucket} ids touched. */
  record Applied(long balance, String entryId, String bucket, boolean duplicate) implements LedgerOutcome {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("status", "applied").put("balance", Credits.toJson(balance))
          .put("entryId", entryId).put("bucket", bucket).put("duplicate", duplicate);
    }
  }

  /**
   * {@code reason}: {@code insufficient-credits} ({@code balance} is what the account holds), {@code unknown-spend}
   * or {@code exceeds-spend} for a refund ({@code balance} is what that spend may still give back), or
   * {@code already-expired} for a grant.
   */
  record Refused(String reason, long needed, long balance) implements LedgerOutcome {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("status", "refused").put("reason", reason).put("needed", Credits.toJson(needed))
          .put("balance", Credits.toJson(balance));
    }
  }

  static LedgerOutcome decode(String json) {
    JsonObject result = new JsonObject(json);
    if ("applied".equals(result.getString("status"))) {
      return new Applied(result.getLong("balance"), result.getString("entryId"), result.getString("bucket"),
          result.getBoolean("duplicate", false));
    }
    return new Refused(result.getString("reason"), result.getLong("needed"), result.getLong("balance"));
  }
}
