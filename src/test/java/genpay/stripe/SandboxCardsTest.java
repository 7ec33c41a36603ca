package genpay.stripe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SandboxCardsTest {

  @Test
  void eachTestCardDoesWhatStripesDoes() {
    assertEquals(SandboxCards.Kind.PAY, SandboxCards.enter("4242 4242 4242 4242").kind());
    SandboxCards.Entry generic = SandboxCards.enter("4000000000000002");
    assertEquals(SandboxCards.Kind.DECLINE, generic.kind());
    assertEquals("card_declined", generic.code());
    assertEquals("generic_decline", generic.declineCode());
    assertEquals("Your card was declined.", generic.message());
    SandboxCards.Entry funds = SandboxCards.enter("4000-0000-0000-9995");
    assertEquals("insufficient_funds", funds.declineCode());
    assertEquals("Your card has insufficient funds.", funds.message());
    assertEquals(SandboxCards.Kind.AUTHENTICATE, SandboxCards.enter("4000002500003155").kind());
    assertEquals(SandboxCards.Kind.PAY, SandboxCards.enter("4000000000000341").kind(), "0341 attaches and pays now");
    assertEquals("Your card number is incorrect.", SandboxCards.enter("4111").message());
    assertEquals("Your card number is incorrect.", SandboxCards.enter("").message());
  }

  @Test
  void only0341FailsLaterCharges() {
    assertTrue(SandboxCards.chargesLater("4242424242424242"));
    assertTrue(SandboxCards.chargesLater("4000002500003155"));
    assertFalse(SandboxCards.chargesLater("4000 0000 0000 0341"));
    assertEquals("0341", SandboxCards.last4("4000 0000 0000 0341"));
  }
}
