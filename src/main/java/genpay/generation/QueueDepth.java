package genpay.generation;

/**
 * One job stream seen from its consumer group: {@code waiting} entries no worker has taken, {@code taken}
 * entries a worker holds unacknowledged, and when the oldest of each was queued (epoch ms, -1 when none).
 */
public record QueueDepth(long waiting, long oldestWaitingMillis, long taken, long oldestTakenMillis) {

  public static final QueueDepth EMPTY = new QueueDepth(0, -1, 0, -1);

  /** The two queues as one: counts added, the older of each oldest. */
  public QueueDepth plus(QueueDepth other) {
    return new QueueDepth(waiting + other.waiting, older(oldestWaitingMillis, other.oldestWaitingMillis),
        taken + other.taken, older(oldestTakenMillis, other.oldestTakenMillis));
  }

  private static long older(long a, long b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  /** Seconds the oldest waiting entry has waited at {@code nowMillis}: the queue's lag; 0 when none waits. */
  public double waitingAgeSeconds(long nowMillis) {
    return age(oldestWaitingMillis, nowMillis);
  }

  /** Seconds since the oldest taken, unacknowledged entry was queued; 0 when none. */
  public double takenAgeSeconds(long nowMillis) {
    return age(oldestTakenMillis, nowMillis);
  }

  private static double age(long queuedMillis, long nowMillis) {
    return queuedMillis < 0 ? 0 : Math.max(0, nowMillis - queuedMillis) / 1000.0;
  }
}
