package genpay.generation;

import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;

import java.util.List;
import java.util.Random;

/**
 * The life of one followed job as a plain state machine: {@link #on(Event)} takes what happened and answers
 * the actions to perform next. It performs nothing itself, so every move is testable without Vert.x; the
 * {@link JobFollower} runs the actions and reports their outcomes back as events.
 *
 * <pre>
 * LOADING ──file read──▶ STARTING ──started──▶ FOLLOWING ──provider says terminal──▶ ENDING ──stored──▶ ACKING ──▶ DONE
 *    │                       │                     │  └─ completed ─▶ COPYING ──copied──────▲
 *    │                       │                     │                  └─ copy failed N times ┤ (failed)
 *    └─ terminal / gone ─────┼─────────────────────┼── refused, or the deadline ────────────┘
 * </pre>
 * The deadline is a timer armed once the file is read: it ends the job whatever the provider or the store
 * are doing, and an answer that comes after it is ignored. Once the provider has made the file, the deadline
 * no longer applies: the copy into the engine's object store is bounded by its own tries, and the file is
 * completed for the buyer only with the engine's own links, once the copy is stored and checked.
 */
public final class JobFlow {

  static final long STORE_RETRY_MS = 1_000;
  static final double FOLLOW_GROWTH = 1.5;

  public enum Phase { LOADING, STARTING, FOLLOWING, COPYING, ENDING, ACKING, DONE }

  /** Something that happened to the job. */
  public sealed interface Event permits FileRead, FileGone, StoreFailed, Started, StartFailed, Polled, PollFailed,
      ProgressStored, DeadlinePassed, TerminalStored, Acked, AckFailed, Copied, CopyFailed {
  }

  /** The media is in the engine's object store; {@code url} and {@code thumbnailUrl} are the engine's own links. */
  public record Copied(String url, String thumbnailUrl) implements Event {
  }

  /** The copy stopped short; the next try goes on from the last part stored. */
  public record CopyFailed(String reason) implements Event {
  }

  /** The stored file: its status, provider id ('' before it started), when it was paid and started. */
  public record FileRead(FileStatus status, String providerId, long paidAt, long startedAt, long now)
      implements Event {
  }

  /** The file (or its order) no longer exists: nothing left to do but acknowledge. */
  public record FileGone() implements Event {
  }

  /** The store did not answer a read or a write. */
  public record StoreFailed() implements Event {
  }

  /** The provider took the job and its id is stored. */
  public record Started(String providerId, long now) implements Event {
  }

  public record StartFailed(boolean retryable, String reason) implements Event {
  }

  /** The provider's view of the job. */
  public record Polled(FileStatus status, int progress, String url, String thumbnailUrl, String error)
      implements Event {
  }

  public record PollFailed(boolean retryable, String reason) implements Event {
  }

  /** A progress write ended; {@code stored} false when the store did not answer. */
  public record ProgressStored(boolean stored) implements Event {
  }

  public record DeadlinePassed(long now) implements Event {
  }

  public record TerminalStored() implements Event {
  }

  public record Acked() implements Event {
  }

  public record AckFailed() implements Event {
  }

  /** What the follower does next; each kind names one I/O or timer. */
  public enum ActionKind {
    /** Read the file from the store, after {@code delayMs}. */
    READ_FILE,
    /** Arm the one deadline timer for {@code atMillis}. */
    ARM_DEADLINE,
    /** Start the job at the provider and store its id, after {@code delayMs}. */
    START,
    /** Ask the provider how the job does, after {@code delayMs}. */
    POLL,
    /** Copy the finished media ({@code update} holds the provider's links) into the object store, after {@code delayMs}. */
    COPY,
    /** Store {@code update} (progress, not terminal). */
    STORE_PROGRESS,
    /** Store the terminal {@code update}, after {@code delayMs}. */
    STORE_TERMINAL,
    /** Acknowledge the job's entries, after {@code delayMs}. */
    ACK,
    /** Forget the job: it ended with {@code outcome}. */
    FORGET
  }

  public record Action(ActionKind kind, long delayMs, long atMillis, FileUpdate update, String outcome) {

    static Action after(ActionKind kind, long delayMs) {
      return new Action(kind, delayMs, 0, null, null);
    }

    static Action store(ActionKind kind, FileUpdate update, long delayMs) {
      return new Action(kind, delayMs, 0, update, null);
    }
  }

  /**
   * The schedule and limits of following. {@code copyTries} 0: the provider's links are kept as they are (no
   * object store); otherwise a copy is tried that many times, {@code copyBackoff} apart, before the file fails.
   */
  public record Schedule(long timeoutMs, long firstDelayMs, long maxDelayMs, Backoff startBackoff, int copyTries,
                         Backoff copyBackoff) {

    public Schedule(long timeoutMs, long firstDelayMs, long maxDelayMs, Backoff startBackoff) {
      this(timeoutMs, firstDelayMs, maxDelayMs, startBackoff, 0, null);
    }
  }

  private final String fileId;
  private final String sessionId;
  private final Schedule schedule;
  private final Random random;

  private Phase phase = Phase.LOADING;
  private int startAttempts;
  private int copyAttempts;
  /** The provider's completed file, being copied. */
  private FileUpdate made;
  private long pollDelayMs;
  private FileStatus storedStatus;
  private int storedProgress;
  private Polled lastPolled;
  private FileUpdate terminal;
  private long paidAt;
  private long startedAt;
  private String providerId = "";
  /** Set when the job ends without a terminal state of its own (the file is gone). */
  private String goneOutcome;

  public JobFlow(String fileId, String sessionId, Schedule schedule, Random random) {
    this.fileId = fileId;
    this.sessionId = sessionId;
    this.schedule = schedule;
    this.random = random;
  }

  /** The first action: read the file. */
  public List<Action> begin() {
    return List.of(Action.after(ActionKind.READ_FILE, 0));
  }

  public Phase phase() {
    return phase;
  }

  public long paidAt() {
    return paidAt;
  }

  /** When the job started at the provider (0 before). */
  public long startedAt() {
    return startedAt;
  }

  /** The provider's id of the job, once started ('' before). */
  public String providerId() {
    return providerId;
  }

  /** The terminal state being stored or stored, or null before the job ends. */
  public FileUpdate terminal() {
    return terminal;
  }

  /** The one place every move goes through. An event a phase does not expect changes nothing. */
  public List<Action> on(Event event) {
    return switch (phase) {
      case LOADING -> loading(event);
      case STARTING -> starting(event);
      case FOLLOWING -> following(event);
      case COPYING -> copying(event);
      case ENDING -> ending(event);
      case ACKING -> acking(event);
      case DONE -> List.of();
    };
  }

  private List<Action> loading(Event event) {
    if (event instanceof FileRead read) {
      paidAt = read.paidAt();
      if (read.status().terminal()) {
        terminal = new FileUpdate(fileId, sessionId, read.status(), 0, "", "", "", "");
        return acknowledge();
      }
      long deadline = read.paidAt() + schedule.timeoutMs();
      if (read.now() >= deadline) {
        return end(timedOut());
      }
      Action arm = new Action(ActionKind.ARM_DEADLINE, 0, deadline, null, null);
      if (read.providerId().isEmpty()) {
        phase = Phase.STARTING;
        startAttempts = 1;
        return List.of(arm, Action.after(ActionKind.START, 0));
      }
      providerId = read.providerId();
      startedAt = read.startedAt() > 0 ? read.startedAt() : read.paidAt();
      storedStatus = read.status();
      phase = Phase.FOLLOWING;
      return List.of(arm, Action.after(ActionKind.POLL, 0));
    }
    if (event instanceof FileGone) {
      return acknowledgeAs("gone");
    }
    if (event instanceof StoreFailed) {
      return List.of(Action.after(ActionKind.READ_FILE, STORE_RETRY_MS));
    }
    return List.of();
  }

  private List<Action> starting(Event event) {
    if (event instanceof Started started) {
      providerId = started.providerId();
      startedAt = started.now();
      storedStatus = FileStatus.IN_PROGRESS;
      storedProgress = 0;
      phase = Phase.FOLLOWING;
      pollDelayMs = schedule.firstDelayMs();
      return List.of(Action.after(ActionKind.POLL, pollDelayMs));
    }
    if (event instanceof StartFailed failed) {
      if (!failed.retryable()) {
        return end(failedWith(failed.reason()));
      }
      long delay = schedule.startBackoff().delayMs(startAttempts, random);
      startAttempts++;
      return List.of(Action.after(ActionKind.START, delay));
    }
    if (event instanceof DeadlinePassed) {
      return end(timedOut());
    }
    if (event instanceof FileGone) {
      return acknowledgeAs("gone");
    }
    return List.of();
  }

  private List<Action> following(Event event) {
    if (event instanceof Polled polled) {
      if (polled.status() == FileStatus.COMPLETED && schedule.copyTries() > 0) {
        made = new FileUpdate(fileId, sessionId, FileStatus.COMPLETED, 100, polled.url(), polled.thumbnailUrl(), "", "");
        phase = Phase.COPYING;
        copyAttempts = 1;
        if (polled.url() == null || polled.url().isEmpty()) {
          return end(failedWith("The provider finished the video without a file to download."));
        }
        return List.of(Action.store(ActionKind.COPY, made, 0));
      }
      if (polled.status().terminal()) {
        String error = polled.status() == FileStatus.FAILED ? polled.error() : "";
        return end(new FileUpdate(fileId, sessionId, polled.status(), polled.progress(), polled.url(),
            polled.thumbnailUrl(), error, ""));
      }
      // Only what moved is written: an unchanged answer from the store then means an earlier write landed late.
      boolean moved = polled.status().after(storedStatus)
          || polled.status() == storedStatus && polled.progress() > storedProgress;
      if (!moved) {
        return List.of(Action.after(ActionKind.POLL, nextPollDelay()));
      }
      lastPolled = polled;
      return List.of(Action.store(ActionKind.STORE_PROGRESS, new FileUpdate(fileId, sessionId, polled.status(),
          polled.progress(), polled.url(), polled.thumbnailUrl(), "", ""), 0));
    }
    if (event instanceof ProgressStored stored) {
      if (stored.stored() && lastPolled != null) {
        storedStatus = lastPolled.status();
        storedProgress = Math.max(storedProgress, lastPolled.progress());
      }
      return List.of(Action.after(ActionKind.POLL, nextPollDelay()));
    }
    if (event instanceof PollFailed failed) {
      if (!failed.retryable()) {
        return end(failedWith(failed.reason()));
      }
      return List.of(Action.after(ActionKind.POLL, nextPollDelay()));
    }
    if (event instanceof DeadlinePassed) {
      return end(timedOut());
    }
    if (event instanceof FileGone) {
      return acknowledgeAs("gone");
    }
    return List.of();
  }

  private List<Action> copying(Event event) {
    if (event instanceof Copied copied) {
      return end(new FileUpdate(fileId, sessionId, FileStatus.COMPLETED, 100, copied.url(), copied.thumbnailUrl(),
          "", ""));
    }
    if (event instanceof CopyFailed failed) {
      if (copyAttempts >= schedule.copyTries()) {
        // The reason is in the worker's log; the buyer reads what happened, not the store's error.
        return end(failedWith("The video was made but could not be saved to our storage."));
      }
      long delay = schedule.copyBackoff().delayMs(copyAttempts, random);
      copyAttempts++;
      return List.of(Action.store(ActionKind.COPY, made, delay));
    }
    if (event instanceof FileGone) {
      return acknowledgeAs("gone");
    }
    // The deadline is for the provider: a file it made is not thrown away for the time its copy takes.
    return List.of();
  }

  private List<Action> ending(Event event) {
    if (event instanceof TerminalStored) {
      return acknowledge();
    }
    if (event instanceof FileGone) {
      return acknowledgeAs("gone");
    }
    if (event instanceof StoreFailed) {
      return List.of(Action.store(ActionKind.STORE_TERMINAL, terminal, STORE_RETRY_MS));
    }
    return List.of();
  }

  private List<Action> acking(Event event) {
    if (event instanceof Acked) {
      phase = Phase.DONE;
      return List.of(new Action(ActionKind.FORGET, 0, 0, null, outcome()));
    }
    if (event instanceof AckFailed) {
      return List.of(Action.after(ActionKind.ACK, STORE_RETRY_MS));
    }
    return List.of();
  }

  private String outcome() {
    return goneOutcome != null ? goneOutcome : terminal.status().wire();
  }

  private List<Action> end(FileUpdate update) {
    terminal = update;
    phase = Phase.ENDING;
    return List.of(Action.store(ActionKind.STORE_TERMINAL, update, 0));
  }

  private List<Action> acknowledge() {
    phase = Phase.ACKING;
    return List.of(Action.after(ActionKind.ACK, 0));
  }

  /** The file is gone: its entries are acknowledged so they do not come back. */
  private List<Action> acknowledgeAs(String outcome) {
    goneOutcome = outcome;
    return acknowledge();
  }

  private long nextPollDelay() {
    pollDelayMs = Math.min(schedule.maxDelayMs(),
        Math.max(schedule.firstDelayMs(), (long) (pollDelayMs * FOLLOW_GROWTH)));
    return pollDelayMs;
  }

  private FileUpdate failedWith(String reason) {
    return new FileUpdate(fileId, sessionId, FileStatus.FAILED, 0, "", "", reason, "");
  }

  private FileUpdate timedOut() {
    long minutes = Math.max(1, schedule.timeoutMs() / 60_000);
    return new FileUpdate(fileId, sessionId, FileStatus.TIMEOUT, 0, "", "",
        "The video was not ready within " + minutes + " minute" + (minutes == 1 ? "" : "s")
            + ", so its generation was stopped.", "");
  }
}
