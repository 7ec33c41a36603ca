package genpay.generation;

import genpay.config.Addresses;
import genpay.config.BusReplies;
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

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows each job from the provider's start to a terminal file, on timers: waiting costs no thread.
 * A job is acknowledged only once its terminal state is stored; until then it stays pending in the
 * stream, and a worker that claims it resumes from the stored provider id.
 */
public final class JobFollower {

  private static final Logger LOG = LoggerFactory.getLogger(JobFollower.class);
  private static final long STORE_RETRY_MS = 1_000;
  private static final double FOLLOW_GROWTH = 1.5;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  /** The schedule and limits of following. */
  public record Schedule(long timeoutMs, long firstDelayMs, long maxDelayMs, Backoff startBackoff) {
  }

  private final Vertx vertx;
  private final EventBus bus;
  private final ProviderClient provider;
  private final JobQueue queue;
  private final Schedule schedule;
  private final MeterRegistry registry;
  private final StageTimers stages;
  private final Map<String, Job> inFlight = new ConcurrentHashMap<>();
  /** When each followed job started at the provider, for the generation-duration timer. */
  private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
  private final Random random = new Random();
  private volatile boolean stopped;

  public JobFollower(Vertx vertx, ProviderClient provider, JobQueue queue, Schedule schedule, MeterRegistry registry,
                     StageTimers stages) {
    this.stages = stages;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.provider = provider;
    this.queue = queue;
    this.schedule = schedule;
    this.registry = registry;
  }

  public int inFlight() {
    return inFlight.size();
  }

  public Map<String, Job> jobs() {
    return inFlight;
  }

  public void stop() {
    stopped = true;
  }

  /** Takes a job unless this worker already follows it. */
  public void follow(Job job) {
    if (job.fileId() == null || job.sessionId() == null) {
      LOG.warn("job {}: malformed entry, acknowledged without work", job.entryId());
      queue.ack(job.entryId());
      return;
    }
    if (inFlight.putIfAbsent(job.entryId(), job) != null) {
      return;
    }
    resume(job);
  }

  private void resume(Job job) {
    if (stopped) {
      return;
    }
    bus.<JsonObject>request(Addresses.SESSIONS_FILE_GET, new JsonObject().put("fileId", job.fileId()))
        .map(Message::body)
        .onSuccess(file -> {
          FileStatus status = FileStatus.fromWire(file.getString("status"));
          if (status.terminal()) {
            finish(job, status.wire());
            return;
          }
          JsonObject worker = file.getJsonObject("worker");
          long paidAt = worker.getLong("createdAt");
          long deadline = paidAt + schedule.timeoutMs();
          String providerId = worker.getString("providerId", "");
          if (providerId.isEmpty()) {
            start(job, paidAt, deadline, 1);
          } else {
            startedAt.put(job.entryId(), worker.getLong("startedAt", paidAt));
            LOG.info("session {}: file {} resumed at the provider ({})", job.sessionId(), job.fileId(), providerId);
            poll(job, providerId, deadline, 0);
          }
        })
        .onFailure(failure -> {
          if (BusReplies.isNotFound(failure)) {
            LOG.warn("session {}: file {} no longer exists, job dropped", job.sessionId(), job.fileId());
            finish(job, "gone");
          } else {
            vertx.setTimer(STORE_RETRY_MS, id -> resume(job));
          }
        });
  }

  private void start(Job job, long paidAt, long deadline, int attempt) {
    if (stopped) {
      return;
    }
    if (System.currentTimeMillis() > deadline) {
      timeOut(job);
      return;
    }
    bus.<JsonObject>request(Addresses.SESSIONS_GET, new JsonObject().put("sessionId", job.sessionId()))
        .map(reply -> reply.body().getString("prompt"))
        .compose(prompt -> provider.start(prompt, job.fileId()))
        .compose(providerId -> store(FileUpdate.progress(job.fileId(), job.sessionId(), FileStatus.IN_PROGRESS, 0)
            .withProviderId(providerId)).map(providerId))
        .onSuccess(providerId -> {
          long now = System.currentTimeMillis();
          startedAt.put(job.entryId(), now);
          stages.paymentToGenerationStart(now - paidAt);
          LOG.info("session {}: file {} started at the provider ({})", job.sessionId(), job.fileId(), providerId);
          poll(job, providerId, deadline, schedule.firstDelayMs());
        })
        .onFailure(failure -> {
          if (failure instanceof ProviderException refused && !refused.retryable()) {
            end(job, new FileUpdate(job.fileId(), job.sessionId(), FileStatus.FAILED, 0, "", "",
                refused.getMessage(), ""));
          } else {
            long delay = schedule.startBackoff().delayMs(attempt, random);
            LOG.info("session {}: file {} not started yet ({}), again in {} ms", job.sessionId(), job.fileId(),
                failure.getMessage(), delay);
            vertx.setTimer(delay, id -> start(job, paidAt, deadline, attempt + 1));
          }
        });
  }

  private void poll(Job job, String providerId, long deadline, long delayMs) {
    vertx.setTimer(Math.max(1, delayMs), timer -> {
      if (stopped) {
        return;
      }
      long next = Math.min(schedule.maxDelayMs(), Math.max(schedule.firstDelayMs(), (long) (delayMs * FOLLOW_GROWTH)));
      provider.fetch(providerId)
          .onSuccess(file -> {
            FileUpdate update = new FileUpdate(job.fileId(), job.sessionId(), file.status(), file.progress(),
                nonNull(file.url()), nonNull(file.thumbnailUrl()), file.status() == FileStatus.FAILED
                ? nonNull(file.error()) : "", "");
            if (file.status().terminal()) {
              end(job, update);
            } else if (System.currentTimeMillis() > deadline) {
              timeOut(job);
            } else {
              store(update).onComplete(stored -> poll(job, providerId, deadline, next));
            }
          })
          .onFailure(failure -> {
            if (failure instanceof ProviderException refused && !refused.retryable()) {
              end(job, new FileUpdate(job.fileId(), job.sessionId(), FileStatus.FAILED, 0, "", "",
                  refused.getMessage(), ""));
            } else if (System.currentTimeMillis() > deadline) {
              timeOut(job);
            } else {
              poll(job, providerId, deadline, next);
            }
          });
    });
  }

  private void timeOut(Job job) {
    long minutes = Math.max(1, schedule.timeoutMs() / 60_000);
    end(job, new FileUpdate(job.fileId(), job.sessionId(), FileStatus.TIMEOUT, 0, "", "",
        "The video was not ready within " + minutes + " minute" + (minutes == 1 ? "" : "s")
            + ", so its generation was stopped.", ""));
  }

  /** Stores the terminal state (retrying while Redis is away), then acknowledges the job. */
  private void end(Job job, FileUpdate terminal) {
    store(terminal).onComplete(stored -> {
      if (stored.failed() && !BusReplies.isNotFound(stored.cause())) {
        if (!stopped) {
          vertx.setTimer(STORE_RETRY_MS, id -> end(job, terminal));
        }
        return;
      }
      registry.counter("genpay.generations", "outcome", terminal.status().wire()).increment();
      Long started = startedAt.get(job.entryId());
      if (started != null) {
        stages.generation(System.currentTimeMillis() - started);
      }
      finish(job, terminal.status().wire());
    });
  }

  private void finish(Job job, String outcome) {
    queue.ack(job.entryId()).onComplete(acked -> {
      if (acked.failed() && !stopped) {
        vertx.setTimer(STORE_RETRY_MS, id -> finish(job, outcome));
        return;
      }
      inFlight.remove(job.entryId());
      startedAt.remove(job.entryId());
      LOG.debug("job {}: done ({})", job.entryId(), outcome);
      bus.publish(Addresses.GENERATION_JOB_DONE, new JsonObject().put("sessionId", job.sessionId())
          .put("fileId", job.fileId()).put("outcome", outcome), LOCAL);
    });
  }

  private Future<JsonObject> store(FileUpdate update) {
    return bus.<JsonObject>request(Addresses.SESSIONS_FILE_UPDATE, update.toJson()).map(Message::body);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
