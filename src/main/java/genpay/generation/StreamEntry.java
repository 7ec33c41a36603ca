package genpay.generation;

/** Where a job sits: entry ids are only unique within their stream. */
public record StreamEntry(String stream, String id) {
}
