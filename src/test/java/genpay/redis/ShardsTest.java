package genpay.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardsTest {

  @Test
  void anIdsShardIsTheCrc32OfItsUtf8BytesModuloTheCount() {
    Shards shards = new Shards(64);
    for (String id : List.of("cs_test_a1B2", "ord_0123456789abcdefghijklmn", "acc_Ünïcödé", "")) {
      CRC32 crc = new CRC32();
      crc.update(id.getBytes(StandardCharsets.UTF_8));
      assertEquals((int) (crc.getValue() % 64), shards.of(id), id);
    }
    // CRC32("123456789") is 0xCBF43926, the check value of the algorithm.
    assertEquals((int) (0xCBF43926L % 1000), new Shards(1000).of("123456789"));
  }

  @Test
  void aTagIsTheShardInBracesAndEveryShardIsListed() {
    Shards shards = Shards.withCount(64);
    assertSame(Shards.DEFAULT, shards);
    assertEquals("{s17}", shards.tag(17));
    assertEquals("{s0}", shards.tag(0));
    String id = "cs_test_tagged";
    assertEquals(shards.tag(shards.of(id)), shards.tagOf(id));
    assertEquals(IntStream.range(0, 64).boxed().toList(), shards.all());
    assertEquals(64, shards.tags().size());
    assertEquals("{s17}", Shards.tagIn("session:{s17}:cs_test_x"));
    assertNull(Shards.tagIn("ratelimit:checkout:127.0.0.1"));
  }

  @Test
  void idsMintedNearAnOwnerFallInItsShard() {
    Shards shards = Shards.DEFAULT;
    for (int i = 0; i < 200; i++) {
      String owner = "cs_test_" + i;
      String fileId = shards.mintNear(owner, () -> UUID.randomUUID().toString());
      assertEquals(shards.of(owner), shards.of(fileId));
    }
    assertThrows(IllegalStateException.class, () -> shards.mint(3, () -> "always the same id of one shard"),
        "a supplier that cannot reach the shard is refused, not looped on forever");
  }

  @Test
  void uuidsMintedInAShardFallInItAndStayUuids() {
    for (Shards shards : List.of(Shards.DEFAULT, new Shards(7), new Shards(1000))) {
      for (int i = 0; i < 300; i++) {
        int shard = i % shards.count();
        String fileId = shards.mintUuid(shard);
        assertEquals(shard, shards.of(fileId), "the carried-over CRC agrees with the whole id's");
        assertEquals(fileId, UUID.fromString(fileId).toString(), "a UUID in its canonical text");
      }
    }
  }

  @Test
  void idsSpreadEvenlyOverTheShards() {
    Shards shards = Shards.DEFAULT;
    int[] counts = new int[64];
    for (int i = 0; i < 64_000; i++) {
      counts[shards.of(UUID.randomUUID().toString())]++;
    }
    for (int count : counts) {
      assertTrue(count > 800 && count < 1200, "about 1000 each: " + count);
    }
  }

  @Test
  void theCountIsOneTo16384() {
    assertEquals(1, new Shards(1).all().size());
    assertEquals(0, new Shards(1).of("anything"));
    assertEquals(16_384, new Shards(16_384).count());
    assertThrows(IllegalArgumentException.class, () -> new Shards(0));
    assertThrows(IllegalArgumentException.class, () -> new Shards(16_385));
  }

  @Test
  void aScriptGivenKeysOfTwoTagsIsRefusedBeforeRedisIsAsked() {
    LuaScript script = LuaScript.fromResources("/lua/session_read.lua");
    // No Redis at all: the refusal must come first.
    var refused = script.run(null, List.of("session:{s1}:cs_test_a", "sessions:pending:{s2}"), List.of());
    assertTrue(refused.failed());
    assertTrue(refused.cause().getMessage().startsWith("CROSSSLOT"), refused.cause().getMessage());
    assertTrue(script.run(null, List.of("files:active", "refunds:owed"), List.of()).failed(),
        "two untagged keys may land in two slots");
    assertNull(LuaScript.mixedTags(List.of("session:{s1}:cs_test_a", "sessions:pending:{s1}")));
    assertNull(LuaScript.mixedTags(List.of("ratelimit:checkout:127.0.0.1")));
  }
}
