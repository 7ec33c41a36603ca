package genpay.generation;

import genpay.config.Addresses;
import genpay.config.BusReplies;
import genpay.generation.JobFlow.Action;
import genpay.generation.JobFlow.Event;
import genpay.media.MediaCopier;
import genpay.sessions.FileStatus;
import genpay.sessions.FileUpdate;
import genpay.sessions.StageTimers;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Performs what each job's {@link JobFlow} asks for (store reads and writes, provider calls, timers) and
 * reports the outcomes back to it: waiting costs no thread. A job is acknowledged only once its terminal
 * state is stored; until then it stays pending in the stream, and a worker that claims it resumes from the
 * stored provider id. Jobs are followed once per file, however many stream entries name the file.
 */
public final class JobFollower {

  private static final Logger LOG = LoggerFactory.getLogger(JobFollower.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** One file being followed: its state machine, the stream entries to acknowledge, its deadline timer. */
  private static final class Followed {
    final Job job;
    final JobFlow flow;
    final Set<StreamEntry> entries = ConcurrentHashMap.newKeySet();
    long deadlineTimer = -1;
    /** The provider's Idempotency-Key: the file id, or a fresh one an admin's retry stored (genpay.admin). */
    String providerKey;

    Followed(Job job, JobFlow flow) {
      this.job = job;
      this.flow = flow;
      entries.add(job.entry());
    }
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final ProviderClient provider;
  private final JobQueue queue;
  private final JobFlow.Schedule schedule;
  private final MeterRegistry registry;
  private final StageTimers stages;
  private final MediaCopier copier;
  private final Map<String, Followed> byFile = new ConcurrentHashMap<>();
  private final Random random = new Random();
  private volatile boolean stopped;

  public JobFollower(Vertx vertx, ProviderClient provider, JobQueue queue, JobFlow.Schedule schedule,
                     MeterRegistry registry, StageTimers stages) {
    this(vertx, provider, queue, schedule, registry, stages, null);
  }

  /** With {@code copier}, every completed file is copied into the object store before it counts as completed. */
  public JobFollower(Vertx vertx, ProviderClient provider, JobQueue queue, JobFlow.Schedule schedule,
                     MeterRegistry registry, StageTimers stages, MediaCopier copier) {
    this.copier = copier;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.provider = provider;
    this.queue = queue;
    this.schedule = schedule;
    this.registry = registry;
    this.stages = stages;
  }

  public int inFlight() {
    return byFile.size();
  }

  /** The stream entries of every job this worker follows now. */
  public List<StreamEntry> entries() {
    List<StreamEntry> entries = new ArrayList<>();
    byFile.values().forEach(followed -> entries.addAll(followed.entries));
    return entries;
  }

  public boolean followsFile(String fileId) {
    return byFile.containsKey(fileId);
  }

  public void stop() {
    stopped = true;
  }

  /** Takes a job unless this worker already follows its file; then the entry is acknowledged with it. */
  public void follow(Job job) {
    if (job.fileId() == null || job.sessionId() == null) {
      LOG.warn("job {}: malformed or deleted entry, acknowledged without work", job.entryId());
      queue.ack(List.of(job.entry()));
      return;
    }
    Followed fresh = new Followed(job, new JobFlow(job.fileId(), job.sessionId(), schedule, random));
    Followed existing = byFile.putIfAbsent(job.fileId(), fresh);
    if (existing != null) {
      existing.entries.add(job.entry());
      return;
    }
    perform(fresh, fresh.flow.begin());
  }

  private void on(Followed followed, Event event) {
    LOG.debug("file {}: event {} in {}", followed.job.fileId(), event.getClass().getSimpleName(), followed.flow.phase());
    if (!stopped) {
      perform(followed, followed.flow.on(event));
    }
  }

  private void perform(Followed followed, List<Action> actions) {
    for (Action action : actions) {
      LOG.debug("file {}: action {} after {} ms", followed.job.fileId(), action.kind(), action.delayMs());
      switch (action.kind()) {
        case READ_FILE -> later(action.delayMs(), () -> readFile(followed));
        case ARM_DEADLINE -> followed.deadlineTimer = vertx.setTimer(
            Math.max(1, action.atMillis() - System.currentTimeMillis()),
            id -> on(followed, new JobFlow.DeadlinePassed(System.currentTimeMillis())));
        case START -> later(action.delayMs(), () -> start(followed));
        case POLL -> later(action.delayMs(), () -> poll(followed));
        case COPY -> later(action.delayMs(), () -> copy(followed, action.update()));
        case STORE_PROGRESS -> store(action.update())
            .onComplete(stored -> on(followed, new JobFlow.ProgressStored(stored.succeeded())));
        case STORE_TERMINAL -> later(action.delayMs(), () -> storeTerminal(followed, action.update()));
        case ACK -> later(action.delayMs(), () -> queue.ack(List.copyOf(followed.entries)).onComplete(acked ->
            on(followed, acked.succeeded() ? new JobFlow.Acked() : new JobFlow.AckFailed())));
        case FORGET -> forget(followed, action.outcome());
      }
    }
  }

  private void later(long delayMs, Runnable step) {
    if (delayMs <= 0) {
      step.run();
    } else {
      vertx.setTimer(delayMs, id -> {
        if (!stopped) {
          step.run();
        }
      });
    }
  }

  private void readFile(Followed followed) {
    Job job = followed.job;
    bus.<JsonObject>request(Addresses.SESSIONS_FILE_GET, new JsonObject().put("fileId", job.fileId()))
        .map(Message::body)
        .onSuccess(file -> {
          JsonObject worker = file.getJsonObject("worker");
          String providerId = worker.getString("providerId", "");
          followed.providerKey = worker.getString("providerKey", job.fileId());
          if (!providerId.isEmpty()) {
            LOG.info("session {}: file {} resumed at the provider ({})", job.sessionId(), job.fileId(), providerId);
          }
          on(followed, new JobFlow.FileRead(FileStatus.fromWire(file.getString("status")), providerId,
              worker.getLong("createdAt"), worker.getLong("startedAt", 0L), System.currentTimeMillis()));
        })
        .onFailure(failure -> {
          if (BusReplies.isNotFound(failure)) {
            LOG.warn("session {}: file {} no longer exists, job dropped", job.sessionId(), job.fileId());
            on(followed, new JobFlow.FileGone());
          } else {
            on(followed, new JobFlow.StoreFailed());
          }
        });
  }

  private void start(Followed followed) {
    Job job = followed.job;
    bus.<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", job.sessionId()))
        .map(Message::body)
        .compose(order -> provider.start(order.getString("type", "video"), order.getString("prompt"),
            followed.providerKey == null ? job.fileId() : followed.providerKey))
        .compose(providerId -> store(FileUpdate.progress(job.fileId(), job.sessionId(), FileStatus.IN_PROGRESS, 0)
            .withProviderId(providerId)).map(providerId))
        .onSuccess(providerId -> {
          long now = System.currentTimeMillis();
          if (followed.flow.phase() == JobFlow.Phase.STARTING) {
            stages.paymentToGenerationStart(now - followed.flow.paidAt());
            LOG.info("session {}: file {} started at the provider ({})", job.sessionId(), job.fileId(), providerId);
          }
          on(followed, new JobFlow.Started(providerId, now));
        })
        .onFailure(failure -> {
          if (BusReplies.isNotFound(failure)) {
            on(followed, new JobFlow.FileGone());
            return;
          }
          boolean retryable = !(failure instanceof ProviderException refused) || refused.retryable();
          LOG.info("session {}: file {} not started yet ({}){}", job.sessionId(), job.fileId(), failure.getMessage(),
              retryable ? ", will try again" : "");
          on(followed, new JobFlow.StartFailed(retryable, failure.getMessage()));
        });
  }

  private void poll(Followed followed) {
    Job job = followed.job;
    String providerId = followed.flow.providerId();
    provider.fetch(providerId)
        .onSuccess(file -> on(followed, new JobFlow.Polled(file.status(), file.progress(), nonNull(file.url()),
            nonNull(file.thumbnailUrl()), nonNull(file.error()))))
        .onFailure(failure -> {
          boolean retryable = !(failure instanceof ProviderException refused) || refused.retryable();
          LOG.warn("session {}: file {}: asking the provider about {} failed ({}){}", job.sessionId(), job.fileId(),
              providerId, failure.getMessage(), retryable ? ", will ask again" : "");
          on(followed, new JobFlow.PollFailed(retryable, failure.getMessage()));
        });
  }

  private void copy(Followed followed, FileUpdate made) {
    Job job = followed.job;
    bus.<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", job.sessionId())
            .put("withContact", true))
        .map(Message::body)
        .compose(order -> copier.copy(new MediaCopier.Request(job.fileId(), job.sessionId(),
            order.getJsonObject("contact", new JsonObject()).getString("accountId", ""),
            order.getString("type", "video"), made.url(), made.thumbnailUrl())))
        .onSuccess(stored -> on(followed, new JobFlow.Copied(stored.url(), stored.thumbnailUrl())))
        .onFailure(failure -> {
          if (BusReplies.isNotFound(failure)) {
            on(followed, new JobFlow.FileGone());
            return;
          }
          LOG.warn("session {}: file {}: copy into the object store stopped ({}), will go on from the last part",
              job.sessionId(), job.fileId(), failure.toString());
          on(followed, new JobFlow.CopyFailed(failure.getMessage() == null ? failure.getClass().getSimpleName()
              : failure.getMessage()));
        });
  }

  private void storeTerminal(Followed followed, FileUpdate terminal) {
    store(terminal).onComplete(stored -> {
      if (stored.succeeded()) {
        registry.counter("genpay.generations", "outcome", terminal.status().wire()).increment();
        if (followed.flow.startedAt() > 0) {
          stages.generation(System.currentTimeMillis() - followed.flow.startedAt());
        }
        on(followed, new JobFlow.TerminalStored());
      } else if (BusReplies.isNotFound(stored.cause())) {
        on(followed, new JobFlow.FileGone());
      } else {
        on(followed, new JobFlow.StoreFailed());
      }
    });
  }

  private void forget(Followed followed, String outcome) {
    Job job = followed.job;
    vertx.cancelTimer(followed.deadlineTimer);
    byFile.remove(job.fileId(), followed);
    LOG.debug("job {}: done ({})", job.entryId(), outcome);
    bus.publish(Addresses.GENERATION_JOB_DONE, new JsonObject().put("sessionId", job.sessionId())
        .put("fileId", job.fileId()).put("outcome", outcome), LOCAL);
  }

  private Future<JsonObject> store(FileUpdate update) {
    return bus.<JsonObject>request(Addresses.SESSIONS_FILE_UPDATE, update.toJson()).map(Message::body);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
