package genpay.redis;

import java.util.Map;

/**
 * One entry of a job stream as a consumer group handed it out: the stream it sits in (entry ids are unique only
 * within it), its id, and its fields (none when it was deleted while pending: acknowledge it unworked).
 */
public record StreamDelivery(String stream, String entryId, Map<String, String> fields) {

  public String field(String name) {
    return fields.get(name);
  }
}
