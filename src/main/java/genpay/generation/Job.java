package genpay.generation;

/** One entry of the jobs:generation stream: generate one file of one paid order. */
public record Job(String entryId, String sessionId, String fileId) {
}
