package dev.crossfarm.daemon.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CompileOnceTest {

  private final CompileOnce once = new CompileOnce();
  private final CacheKey key = new CacheKey("a".repeat(64));

  @Test
  void theSecondJobOfAKeyWaitsForTheFirstAndThenLooksAgain() throws Exception {
    CompileOnce.Lead lead = once.leadOrWait(key, Duration.ofMinutes(5));
    assertNotNull(lead);
    CompletableFuture<CompileOnce.Lead> second = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                second.complete(once.leadOrWait(key, Duration.ofMinutes(5)));
              } catch (InterruptedException e) {
                second.completeExceptionally(e);
              }
            });
    waiter.start();
    // the only place the second job can block is the wait for the lead: close it only then
    while (waiter.getState() != Thread.State.TIMED_WAITING && !second.isDone()) {
      Thread.onSpinWait();
    }
    assertFalse(second.isDone(), "the second job waits while the first compiles");
    lead.stored();
    lead.close();
    assertNull(second.get(30, TimeUnit.SECONDS), "it waited, and finds the result in the cache");
    assertNotNull(once.leadOrWait(key, Duration.ofMinutes(5)), "the lead is free again");
  }

  @Test
  void aKeyWhoseLeadStoredNothingIsCompiledSideBySideAfterwards() throws Exception {
    CompileOnce.Lead lead = once.leadOrWait(key, Duration.ofMinutes(5));
    lead.close(); // nothing stored: a -g job naming its directory, a full disk
    CompileOnce.Lead a = once.leadOrWait(key, Duration.ofMinutes(5));
    CompileOnce.Lead b = once.leadOrWait(key, Duration.ofMillis(1));
    assertNotNull(a);
    assertNotNull(b, "no waiting behind a job whose result will not be stored");
  }

  @Test
  void otherKeysNeverWait() throws Exception {
    assertNotNull(once.leadOrWait(key, Duration.ofMinutes(5)));
    assertNotNull(once.leadOrWait(new CacheKey("b".repeat(64)), Duration.ofMillis(1)));
  }
}
