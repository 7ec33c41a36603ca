package genpay.generation;

import genpay.generation.JobFlow.Action;
import genpay.generation.JobFlow.ActionKind;
import genpay.generation.JobFlow.Event;
import genpay.generation.JobFlow.Phase;
import genpay.sessions.FileStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The follower's state machine, without Vert.x: every phase, what it accepts, and where it leads. */
class JobFlowTest {

  private static final long PAID_AT = 1_000_000;
  private static final long TIMEOUT = 600_000;
  private static final JobFlow.Schedule SCHEDULE = new JobFlow.Schedule(TIMEOUT, 3_000, 30_000,
      new Backoff(1_000, 30_000));

  private static JobFlow flow() {
    return new JobFlow("file-1", "cs_test_1", SCHEDULE, new Random(7));
  }

  private static List<ActionKind> kinds(List<Action> actions) {
    return actions.stream().map(Action::kind).toList();
  }

  private static JobFlow following() {
    JobFlow flow = flow();
    flow.begin();
    flow.on(new JobFlow.FileRead(FileStatus.PENDING, "", PAID_AT, 0, PAID_AT + 10));
    flow.on(new JobFlow.Started("prov-1", PAID_AT + 100));
    return flow;
  }

  @Test
  void aNewJobReadsItsFileThenArmsTheDeadlineAndStarts() {
    JobFlow flow = flow();
    assertEquals(List.of(ActionKind.READ_FILE), kinds(flow.begin()));
    List<Action> next = flow.on(new JobFlow.FileRead(FileStatus.PENDING, "", PAID_AT, 0, PAID_AT + 10));
    assertEquals(List.of(ActionKind.ARM_DEADLINE, ActionKind.START), kinds(next));
    assertEquals(PAID_AT + TIMEOUT, next.get(0).atMillis(), "the deadline counts from payment");
    assertEquals(Phase.STARTING, flow.phase());
  }

  @Test
  void aJobAlreadyStartedResumesFollowingWithoutStartingAgain() {
    JobFlow flow = flow();
    flow.begin();
    List<Action> next = flow.on(new JobFlow.FileRead(FileStatus.IN_PROGRESS, "prov-9", PAID_AT, PAID_AT + 50,
        PAID_AT + 5_000));
    assertEquals(List.of(ActionKind.ARM_DEADLINE, ActionKind.POLL), kinds(next));
    assertEquals(Phase.FOLLOWING, flow.phase());
    assertEquals("prov-9", flow.providerId());
    assertEquals(PAID_AT + 50, flow.startedAt());
  }

  @Test
  void aFileAlreadyEndedIsOnlyAcknowledged() {
    JobFlow flow = flow();
    flow.begin();
    assertEquals(List.of(ActionKind.ACK), kinds(flow.on(new JobFlow.FileRead(FileStatus.COMPLETED, "p", PAID_AT,
        PAID_AT, PAID_AT + 1))));
    List<Action> done = flow.on(new JobFlow.Acked());
    assertEquals(List.of(ActionKind.FORGET), kinds(done));
    assertEquals("completed", done.get(0).outcome());
    assertEquals(Phase.DONE, flow.phase());
  }

  @Test
  void aJobReadAfterItsDeadlineEndsAsTimeoutAtOnce() {
    JobFlow flow = flow();
    flow.begin();
    List<Action> next = flow.on(new JobFlow.FileRead(FileStatus.IN_PROGRESS, "prov-1", PAID_AT, PAID_AT,
        PAID_AT + TIMEOUT + 1));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(next));
    assertEquals(FileStatus.TIMEOUT, next.get(0).update().status());
    assertTrue(next.get(0).update().error().contains("10 minutes"), next.get(0).update().error());
  }

  @Test
  void aFailedReadIsTriedAgainAndAGoneFileIsAcknowledged() {
    JobFlow flow = flow();
    flow.begin();
    List<Action> retry = flow.on(new JobFlow.StoreFailed());
    assertEquals(List.of(ActionKind.READ_FILE), kinds(retry));
    assertTrue(retry.get(0).delayMs() > 0);
    assertEquals(List.of(ActionKind.ACK), kinds(flow.on(new JobFlow.FileGone())));
    assertEquals("gone", flow.on(new JobFlow.Acked()).get(0).outcome());
  }

  @Test
  void aRetryableStartFailureBacksOffAndARefusalFailsTheFile() {
    JobFlow flow = flow();
    flow.begin();
    flow.on(new JobFlow.FileRead(FileStatus.PENDING, "", PAID_AT, 0, PAID_AT));
    long previous = 0;
    for (int attempt = 1; attempt <= 6; attempt++) {
      List<Action> retry = flow.on(new JobFlow.StartFailed(true, "HTTP 503"));
      assertEquals(List.of(ActionKind.START), kinds(retry));
      assertTrue(retry.get(0).delayMs() > 0 && retry.get(0).delayMs() <= 30_000);
      previous = Math.max(previous, retry.get(0).delayMs());
    }
    assertTrue(previous >= 8_000, "the backoff grows: " + previous);
    List<Action> refused = flow.on(new JobFlow.StartFailed(false, "content policy"));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(refused));
    assertEquals(FileStatus.FAILED, refused.get(0).update().status());
    assertEquals("content policy", refused.get(0).update().error());
  }

  @Test
  void theDeadlineEndsAJobThatNeverStarts() {
    JobFlow flow = flow();
    flow.begin();
    flow.on(new JobFlow.FileRead(FileStatus.PENDING, "", PAID_AT, 0, PAID_AT));
    List<Action> end = flow.on(new JobFlow.DeadlinePassed(PAID_AT + TIMEOUT));
    assertEquals(FileStatus.TIMEOUT, end.get(0).update().status());
    assertEquals(Phase.ENDING, flow.phase());
    assertEquals(List.of(), flow.on(new JobFlow.Started("late", PAID_AT + TIMEOUT + 5)),
        "a start that answers after the deadline changes nothing");
  }

  @Test
  void onlyProgressThatMovedIsStoredAndPollsSlowDownToTheCap() {
    JobFlow flow = following();
    List<Action> store = flow.on(new JobFlow.Polled(FileStatus.IN_PROGRESS, 40, "", "", ""));
    assertEquals(List.of(ActionKind.STORE_PROGRESS), kinds(store));
    assertEquals(40, store.get(0).update().progress());
    List<Action> poll = flow.on(new JobFlow.ProgressStored(true));
    assertEquals(List.of(ActionKind.POLL), kinds(poll));
    assertEquals(List.of(ActionKind.POLL), kinds(flow.on(new JobFlow.Polled(FileStatus.IN_PROGRESS, 40, "", "", ""))),
        "the same progress again is not written");
    long delay = 0;
    for (int i = 0; i < 20; i++) {
      delay = flow.on(new JobFlow.Polled(FileStatus.IN_PROGRESS, 40, "", "", "")).get(0).delayMs();
    }
    assertEquals(30_000, delay);
  }

  @Test
  void aProviderThatStillSaysPendingAfterTheStartWritesNothing() {
    JobFlow flow = following();
    assertEquals(List.of(ActionKind.POLL), kinds(flow.on(new JobFlow.Polled(FileStatus.PENDING, 0, "", "", ""))));
  }

  @Test
  void progressWhoseWriteFailedIsWrittenAgainOnTheNextPoll() {
    JobFlow flow = following();
    flow.on(new JobFlow.Polled(FileStatus.IN_PROGRESS, 40, "", "", ""));
    flow.on(new JobFlow.ProgressStored(false));
    assertEquals(List.of(ActionKind.STORE_PROGRESS),
        kinds(flow.on(new JobFlow.Polled(FileStatus.IN_PROGRESS, 40, "", "", ""))));
  }

  @Test
  void aTerminalAnswerIsStoredRetriedWhileTheStoreIsAwayThenAcknowledged() {
    JobFlow flow = following();
    List<Action> end = flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://x/v.mp4", "https://x/t.jpg", ""));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(end));
    assertEquals("https://x/v.mp4", end.get(0).update().url());
    List<Action> again = flow.on(new JobFlow.StoreFailed());
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(again));
    assertTrue(again.get(0).delayMs() > 0);
    assertEquals(List.of(), flow.on(new JobFlow.DeadlinePassed(PAID_AT + TIMEOUT)),
        "the deadline cannot turn a completed video into a timeout");
    assertEquals(List.of(ActionKind.ACK), kinds(flow.on(new JobFlow.TerminalStored())));
    assertEquals(List.of(ActionKind.ACK), kinds(flow.on(new JobFlow.AckFailed())));
    assertEquals("completed", flow.on(new JobFlow.Acked()).get(0).outcome());
  }

  @Test
  void theDeadlineEndsAJobWhoseProviderNeverAnswersAndLateAnswersAreIgnored() {
    JobFlow flow = following();
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of(ActionKind.POLL), kinds(flow.on(new JobFlow.PollFailed(true, "no answer"))));
    }
    List<Action> end = flow.on(new JobFlow.DeadlinePassed(PAID_AT + TIMEOUT));
    assertEquals(FileStatus.TIMEOUT, end.get(0).update().status());
    assertEquals(List.of(), flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "u", "t", "")));
    assertEquals(List.of(), flow.on(new JobFlow.PollFailed(true, "late")));
    assertEquals(List.of(), flow.on(new JobFlow.ProgressStored(true)));
    assertEquals(FileStatus.TIMEOUT, flow.terminal().status());
  }

  @Test
  void aProviderFailureEndsTheFileWithItsReason() {
    JobFlow flow = following();
    List<Action> end = flow.on(new JobFlow.Polled(FileStatus.FAILED, 30, "", "", "unsafe prompt"));
    assertEquals(FileStatus.FAILED, end.get(0).update().status());
    assertEquals("unsafe prompt", end.get(0).update().error());
    JobFlow refused = following();
    assertEquals(FileStatus.FAILED, refused.on(new JobFlow.PollFailed(false, "HTTP 404")).get(0).update().status());
  }

  @Test
  void noPhaseAcceptsAnEventItDoesNotExpect() {
    Event[] strays = {new JobFlow.Acked(), new JobFlow.AckFailed(), new JobFlow.TerminalStored()};
    JobFlow loading = flow();
    loading.begin();
    for (Event stray : strays) {
      assertEquals(List.of(), loading.on(stray));
      assertEquals(Phase.LOADING, loading.phase());
    }
    JobFlow done = flow();
    done.begin();
    done.on(new JobFlow.FileGone());
    done.on(new JobFlow.Acked());
    assertEquals(List.of(), done.on(new JobFlow.DeadlinePassed(0)));
    assertEquals(List.of(), done.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "", "", "")));
    assertEquals(Phase.DONE, done.phase());
  }

  private static final JobFlow.Schedule COPYING_SCHEDULE = new JobFlow.Schedule(TIMEOUT, 3_000, 30_000,
      new Backoff(1_000, 30_000), 3, new Backoff(1_000, 30_000));

  private static JobFlow followingWithCopies() {
    JobFlow flow = new JobFlow("file-1", "cs_test_1", COPYING_SCHEDULE, new Random(7));
    flow.begin();
    flow.on(new JobFlow.FileRead(FileStatus.PENDING, "", PAID_AT, 0, PAID_AT + 10));
    flow.on(new JobFlow.Started("prov-1", PAID_AT + 100));
    return flow;
  }

  @Test
  void aFileTheProviderMadeIsCopiedAndCompletesOnlyWithTheEnginesOwnLinks() {
    JobFlow flow = followingWithCopies();
    List<Action> copy = flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://cdn/v.mp4", "https://cdn/t.jpg", ""));
    assertEquals(List.of(ActionKind.COPY), kinds(copy));
    assertEquals(Phase.COPYING, flow.phase());
    assertEquals("https://cdn/v.mp4", copy.get(0).update().url(), "the copy reads the provider's file");
    assertEquals("https://cdn/t.jpg", copy.get(0).update().thumbnailUrl());
    assertEquals(null, flow.terminal(), "nothing is completed while the copy runs");

    List<Action> end = flow.on(new JobFlow.Copied("https://app/media/file-1", "https://app/media/file-1/thumbnail"));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(end));
    assertEquals(FileStatus.COMPLETED, end.get(0).update().status());
    assertEquals("https://app/media/file-1", end.get(0).update().url());
    assertEquals("https://app/media/file-1/thumbnail", end.get(0).update().thumbnailUrl());
    assertEquals(Phase.ENDING, flow.phase());
  }

  @Test
  void aCopyThatFailsIsTriedAgainLaterThenFailsTheFile() {
    JobFlow flow = followingWithCopies();
    flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://cdn/v.mp4", "", ""));
    List<Action> again = flow.on(new JobFlow.CopyFailed("part 2 timed out"));
    assertEquals(List.of(ActionKind.COPY), kinds(again));
    assertTrue(again.get(0).delayMs() > 0, "after a back-off");
    assertEquals("https://cdn/v.mp4", again.get(0).update().url());
    assertEquals(List.of(ActionKind.COPY), kinds(flow.on(new JobFlow.CopyFailed("store unavailable"))));
    List<Action> end = flow.on(new JobFlow.CopyFailed("store unavailable"));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(end), "the third failure of three tries ends it");
    assertEquals(FileStatus.FAILED, end.get(0).update().status());
    assertTrue(end.get(0).update().error().contains("could not be saved"), end.get(0).update().error());
    assertTrue(!end.get(0).update().error().contains("store unavailable"), "the store's error stays in the log");
  }

  @Test
  void theDeadlineDoesNotThrowAwayAFileBeingCopied() {
    JobFlow flow = followingWithCopies();
    flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://cdn/v.mp4", "", ""));
    assertEquals(List.of(), flow.on(new JobFlow.DeadlinePassed(PAID_AT + TIMEOUT)));
    assertEquals(Phase.COPYING, flow.phase());
    assertEquals(List.of(), flow.on(new JobFlow.Polled(FileStatus.FAILED, 0, "", "", "late")), "nor a late poll");
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(flow.on(new JobFlow.Copied("u", ""))));
  }

  @Test
  void aCompletedFileWithoutAUrlFailsInsteadOfCopyingNothing() {
    JobFlow flow = followingWithCopies();
    List<Action> end = flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "", "", ""));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(end));
    assertEquals(FileStatus.FAILED, end.get(0).update().status());
  }

  @Test
  void aFileGoneWhileCopyingIsAcknowledgedAndCopyEventsBeforeCopyingAreIgnored() {
    JobFlow flow = followingWithCopies();
    assertEquals(List.of(), flow.on(new JobFlow.Copied("u", "")), "no copy was asked for");
    assertEquals(List.of(), flow.on(new JobFlow.CopyFailed("x")));
    flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://cdn/v.mp4", "", ""));
    assertEquals(List.of(ActionKind.ACK), kinds(flow.on(new JobFlow.FileGone())));
  }

  @Test
  void withoutCopiesACompletedFileKeepsTheProvidersLinks() {
    JobFlow flow = following();
    List<Action> end = flow.on(new JobFlow.Polled(FileStatus.COMPLETED, 100, "https://cdn/v.mp4", "", ""));
    assertEquals(List.of(ActionKind.STORE_TERMINAL), kinds(end));
    assertEquals("https://cdn/v.mp4", end.get(0).update().url());
  }
}
