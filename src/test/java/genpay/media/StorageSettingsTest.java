package genpay.media;

import genpay.config.ConfigException;
import genpay.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The STORAGE_* settings: an embedded store by default, R2's shape accepted, mistakes named in one line. */
class StorageSettingsTest {

  @Test
  void withoutAnEndpointTheStoreIsEmbedded() {
    StorageSettings storage = Settings.from(new JsonObject(), Map.of()).storage();
    assertTrue(storage.embedded());
    assertEquals("genpay-media", storage.bucket());
    assertEquals(8L * 1024 * 1024, storage.partSizeBytes());
  }

  @Test
  void anR2BucketIsAcceptedAndItsSecretNeverPrinted() {
    Settings settings = Settings.from(new JsonObject(), Map.of(
        "STORAGE_ENDPOINT", "https://0123abcd.r2.cloudflarestorage.com/", "STORAGE_BUCKET", "videos",
        "STORAGE_ACCESS_KEY_ID", "AKIDEXAMPLE", "STORAGE_SECRET_ACCESS_KEY", "r2-secret-value-123",
        "STORAGE_REGION", "auto"));
    StorageSettings storage = settings.storage();
    assertFalse(storage.embedded());
    assertEquals("https://0123abcd.r2.cloudflarestorage.com", storage.endpoint());
    assertEquals("auto", storage.region());
    assertFalse(settings.toString().contains("r2-secret-value-123"), settings.toString());
    assertFalse(settings.toString().contains("AKIDEXAMPLE"), settings.toString());
  }

  @Test
  void mistakesNameTheirSetting() {
    ConfigException keyless = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("STORAGE_ENDPOINT", "http://127.0.0.1:9000")));
    assertTrue(keyless.getMessage().contains("STORAGE_ACCESS_KEY_ID"), keyless.getMessage());
    ConfigException bucket = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("STORAGE_BUCKET", "Not_A_Bucket")));
    assertTrue(bucket.getMessage().contains("STORAGE_BUCKET"), bucket.getMessage());
    ConfigException endpoint = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("STORAGE_ENDPOINT", "r2.example", "STORAGE_ACCESS_KEY_ID", "a", "STORAGE_SECRET_ACCESS_KEY", "b")));
    assertTrue(endpoint.getMessage().contains("STORAGE_ENDPOINT"), endpoint.getMessage());
    ConfigException parts = assertThrows(ConfigException.class, () -> Settings.from(new JsonObject(),
        Map.of("STORAGE_PART_SIZE_MB", "1")));
    assertTrue(parts.getMessage().contains("STORAGE_PART_SIZE_MB"), parts.getMessage());
    assertFalse(parts.getMessage().contains("\n"));
  }

  @Test
  void objectKeysAreNamedByOwnerOrderAndFile() {
    var guest = new MediaCopier.Request("f-1", "cs_test_1", "", "video", "https://cdn/x/clip.MP4?sig=1", "");
    assertEquals("generations/guest/cs_test_1/f-1.mp4",
        MediaCopier.objectKey(guest, MediaCopier.extension(guest.url(), "bin"), false));
    var account = new MediaCopier.Request("f-2", "ord_abc", "acc_9", "image", "https://cdn/render", "");
    assertEquals("generations/acc_9/ord_abc/f-2.thumbnail.png", MediaCopier.objectKey(account,
        MediaCopier.extension(account.url(), MediaCopier.defaultExtension("image", false)), true));
    assertEquals("video/mp4", MediaCopier.contentType("mp4"));
  }
}
