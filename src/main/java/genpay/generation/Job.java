package genpay.generation;

/**
 * One entry of a job stream ({@code jobs:generation} or {@code jobs:generation:priority}): generate one file of
 * one paid order. It is acknowledged in the stream it came from.
 */
public record Job(String stream, String entryId, String sessionId, String fileId) {

  public StreamEntry entry() {
    return new StreamEntry(stream, entryId);
  }
}
