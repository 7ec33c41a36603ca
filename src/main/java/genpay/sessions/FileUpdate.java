package genpay.sessions;

import io.vertx.core.json.JsonObject;

/** What the generation worker learned of one file at the provider; empty strings leave a field as it is. */
public record FileUpdate(String fileId, String sessionId, FileStatus status, int progress, String url,
                         String thumbnailUrl, String error, String providerId) {

  public static FileUpdate progress(String fileId, String sessionId, FileStatus status, int progress) {
    return new FileUpdate(fileId, sessionId, status, progress, "", "", "", "");
  }

  public FileUpdate withProviderId(String id) {
    return new FileUpdate(fileId, sessionId, status, progress, url, thumbnailUrl, error, id);
  }

  public JsonObject toJson() {
    return new JsonObject().put("fileId", fileId).put("sessionId", sessionId).put("status", status.wire())
        .put("progress", progress).put("url", url).put("thumbnailUrl", thumbnailUrl).put("error", error)
        .put("providerId", providerId);
  }

  public static FileUpdate fromJson(JsonObject json) {
    return new FileUpdate(json.getString("fileId"), json.getString("sessionId"),
        FileStatus.fromWire(json.getString("status")), json.getInteger("progress", 0),
        json.getString("url", ""), json.getString("thumbnailUrl", ""), json.getString("error", ""),
        json.getString("providerId", ""));
  }
}
