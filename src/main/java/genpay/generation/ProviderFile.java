package genpay.generation;

import genpay.sessions.FileStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What the provider says of one generation, read from its file JSON. */
public record ProviderFile(String id, FileStatus status, int progress, String url, String thumbnailUrl, String error) {

  /** Tasks decide: any failed is failed; completed needs a url; any running is in progress. */
  public static ProviderFile fromJson(JsonObject file) {
    JsonArray tasks = file.getJsonArray("tasks", new JsonArray());
    boolean anyFailed = false;
    boolean allCompleted = !tasks.isEmpty();
    boolean anyRunning = false;
    int progress = 0;
    for (int i = 0; i < tasks.size(); i++) {
      JsonObject task = tasks.getJsonObject(i);
      String status = task.getString("status", "pending");
      anyFailed |= "failed".equals(status) || "error".equals(status);
      allCompleted &= "completed".equals(status);
      anyRunning |= "in_progress".equals(status) || "processing".equals(status);
      Object taskProgress = task.getValue("progress");
      if (taskProgress instanceof Number number) {
        progress = Math.max(progress, number.intValue());
      }
    }
    String url = file.getString("url");
    FileStatus status;
    if (anyFailed) {
      status = FileStatus.FAILED;
    } else if (allCompleted && url != null && !url.isEmpty()) {
      status = FileStatus.COMPLETED;
    } else if (anyRunning || allCompleted) {
      status = FileStatus.IN_PROGRESS;
    } else {
      status = FileStatus.PENDING;
    }
    String error = file.getValue("error") instanceof String text ? text : null;
    return new ProviderFile(file.getString("id"), status, status == FileStatus.COMPLETED ? 100 : progress,
        url, file.getString("thumbnail_url"), anyFailed && error == null ? "The provider could not generate this video." : error);
  }
}
