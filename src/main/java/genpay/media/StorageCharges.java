package genpay.media;

import genpay.credits.CostTable;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each account owes for a month of storage (DESIGN.md section 14): the bytes of its copies stored before the
 * month ended and still held when it is charged, in GB-months (1 GB = 2^30 bytes), priced by the cost table and
 * rounded up to the hundredth. Card orders ('' account) are not charged. Plain: no I/O.
 */
public final class StorageCharges {

  static final double GB = 1024d * 1024 * 1024;

  private final Map<String, Long> bytesByAccount = new TreeMap<>();
  private final long monthEndMillis;

  public StorageCharges(YearMonth month) {
    this.monthEndMillis = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  public static String sourceId(String accountId, YearMonth month) {
    return "storage:" + accountId + ":" + month;
  }

  /** One stored copy; counted only when it has an owner and was stored before the month ended. */
  public void add(String accountId, long size, long storedAt) {
    if (accountId == null || accountId.isEmpty() || size <= 0 || storedAt >= monthEndMillis) {
      return;
    }
    bytesByAccount.merge(accountId, size, Long::sum);
  }

  /** Account id → hundredths of a credit owed (at least 0.01 for any stored byte). */
  public Map<String, Long> owed(CostTable costs) {
    Map<String, Long> owed = new TreeMap<>();
    bytesByAccount.forEach((account, bytes) -> {
      long amount = costs.storage(bytes / GB);
      if (amount > 0) {
        owed.put(account, amount);
      }
    });
    return owed;
  }

  public long bytes(String accountId) {
    return bytesByAccount.getOrDefault(accountId, 0L);
  }
}
