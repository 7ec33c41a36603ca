package genpay.media;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CopySlotsTest {

  @Test
  void copiesPastTheBoundWaitAndStartInTheirOrderAsSlotsFree() {
    CopySlots slots = new CopySlots(2);
    Future<Void> first = slots.acquire();
    Future<Void> second = slots.acquire();
    Future<Void> third = slots.acquire();
    Future<Void> fourth = slots.acquire();
    assertTrue(first.succeeded());
    assertTrue(second.succeeded());
    assertFalse(third.isComplete());
    assertFalse(fourth.isComplete());
    assertEquals(2, slots.running());
    assertEquals(2, slots.waiting());

    slots.release();
    assertTrue(third.succeeded());
    assertFalse(fourth.isComplete());
    assertEquals(2, slots.running());

    slots.release();
    assertTrue(fourth.succeeded());
    slots.release();
    slots.release();
    assertEquals(0, slots.running());
    assertEquals(0, slots.waiting());
  }

  @Test
  void aSlotGivenBackTwiceIsAFault() {
    CopySlots slots = new CopySlots(1);
    slots.acquire();
    slots.release();
    assertThrows(IllegalStateException.class, slots::release);
    assertThrows(IllegalArgumentException.class, () -> new CopySlots(0));
  }
}
