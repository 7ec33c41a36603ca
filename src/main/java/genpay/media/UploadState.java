package genpay.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A copy's multipart upload as its record keeps it: the object key, the upload id, the part size, the provider
 * file's size when known (-1 when not), and the parts done, in order from 1 with no gap (a part after a gap is
 * uploaded again: same number, so the store keeps one).
 */
public record UploadState(String objectKey, String uploadId, long partSize, long size, String contentType,
                          List<Part> parts) {

  /** One uploaded part: its ETag, the SHA-256 (hex) of its bytes as they came from the provider, its length. */
  public record Part(int number, String etag, String sha256, long length) {

    public String encode() {
      return etag + " " + sha256 + " " + length;
    }

    static Part decode(int number, String text) {
      String[] fields = text.split(" ");
      return new Part(number, fields[0], fields[1], Long.parseLong(fields[2]));
    }
  }

  /** The upload the record holds, or null when it holds none (or holds a stored copy). */
  public static UploadState from(Map<String, String> record) {
    String uploadId = record.get("uploadId");
    if (uploadId == null || uploadId.isEmpty() || record.containsKey("storedAt")) {
      return null;
    }
    long partSize = Long.parseLong(record.getOrDefault("partSize", "0"));
    List<Part> parts = new ArrayList<>();
    for (int number = 1; record.containsKey("part:" + number); number++) {
      Part part = Part.decode(number, record.get("part:" + number));
      // Every part but the last is exactly partSize; a short one ends what counts as done.
      parts.add(part);
      if (part.length() != partSize) {
        break;
      }
    }
    return new UploadState(record.get("objectKey"), uploadId, partSize,
        Long.parseLong(record.getOrDefault("size", "-1")), record.getOrDefault("contentType", "application/octet-stream"),
        List.copyOf(parts));
  }

  /** The bytes already uploaded: where the provider's file is read from again. */
  public long offset() {
    return parts.stream().mapToLong(Part::length).sum();
  }

  /** Only the done parts the store still holds (any after the first it lacks are uploaded again). */
  public UploadState keeping(List<Integer> inStore) {
    List<Part> kept = new ArrayList<>();
    for (Part part : parts) {
      if (!inStore.contains(part.number())) {
        break;
      }
      kept.add(part);
    }
    return new UploadState(objectKey, uploadId, partSize, size, contentType, List.copyOf(kept));
  }

  public UploadState with(Part part) {
    List<Part> more = new ArrayList<>(parts);
    more.add(part);
    return new UploadState(objectKey, uploadId, partSize, size, contentType, List.copyOf(more));
  }

  public UploadState withSize(long known) {
    return new UploadState(objectKey, uploadId, partSize, known, contentType, parts);
  }
}
