package genpay.media;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store through the real client: the embedded S3Proxy, or with {@code GENPAY_TEST_STORAGE=minio} a MinIO
 * server (see {@link TestStorage}). Links signed by the client are honoured, and refused once changed or expired.
 */
class MediaStoreTest {

  private static TestStorage storage;
  private static MediaStore store;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    storage = TestStorage.start(Files.createTempDirectory("genpay-media-"));
    store = new MediaStore(storage.settings(), Duration.ofSeconds(30));
    store.ensureBucket();
  }

  @AfterAll
  static void stop() {
    store.close();
    storage.close();
  }

  private static byte[] bytes(int length, int seed) {
    byte[] body = new byte[length];
    for (int i = 0; i < length; i++) {
      body[i] = (byte) (i * 31 + seed);
    }
    return body;
  }

  @Test
  void aMultipartUploadIsOneObjectAndItsSignedLinkServesRanges() throws Exception {
    String key = "generations/guest/ord_test/multipart.mp4";
    byte[] first = bytes(5 * 1024 * 1024, 1);
    byte[] second = bytes(1000, 2);
    String upload = store.createUpload(key, "video/mp4");
    String etag1 = store.uploadPart(key, upload, 1, first, first.length);
    String etag2 = store.uploadPart(key, upload, 2, second, second.length);
    assertEquals(List.of(1, 2), store.parts(key, upload).orElseThrow());
    store.complete(key, upload, List.of(
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(etag1).build(),
        software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(etag2).build()));
    assertEquals(first.length + second.length, store.size(key).orElseThrow());

    HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(store.link(key)))
        .header("Range", "bytes=5242870-5242889").build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, range.statusCode());
    byte[] expected = new byte[20];
    System.arraycopy(first, 5242870, expected, 0, 10);
    System.arraycopy(second, 0, expected, 10, 10);
    assertArrayEquals(expected, range.body());
  }

  @Test
  void aTamperedOrExpiredLinkIsRefused() throws Exception {
    String key = "generations/guest/ord_test/small.png";
    byte[] body = bytes(100, 3);
    store.put(key, "image/png", new java.io.ByteArrayInputStream(body), body.length);
    String link = store.link(key);
    assertEquals(200, status(link));

    String otherKey = link.replace("small.png", "other.png");
    assertEquals(403, status(otherKey), "a link to another key with the same signature");
    String signature = link.replaceAll(".*X-Amz-Signature=([0-9a-f]+).*", "$1");
    char last = signature.charAt(signature.length() - 1);
    String forged = link.replace(signature, signature.substring(0, signature.length() - 1) + (last == '0' ? '1' : '0'));
    assertEquals(403, status(forged), "a changed signature");
    String longer = link.replace("X-Amz-Expires=3600", "X-Amz-Expires=604800");
    assertTrue(longer.contains("604800"));
    assertEquals(403, status(longer), "a validity stretched by hand");

    String shortLived = store.link(key, Duration.ofSeconds(1), false);
    assertEquals(200, status(shortLived));
    // The signature dates the link to the second: wait until the second after its end has surely begun.
    Thread.sleep(2_100);
    assertEquals(403, status(shortLived), "an expired link");
  }

  @Test
  void aDeletedObjectIsGone() throws Exception {
    String key = "generations/guest/ord_test/deleted.wav";
    byte[] body = bytes(64, 4);
    store.put(key, "audio/wav", new java.io.ByteArrayInputStream(body), body.length);
    String link = store.link(key);
    assertEquals(200, status(link));
    store.delete(key);
    assertTrue(store.size(key).isEmpty());
    assertEquals(404, status(link));
    store.delete(key);
  }

  private static int status(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

}
