package dev.crossfarm.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.cache.CacheKey;
import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private Placement placement;
  private Volunteer a;
  private Volunteer b;

  @BeforeEach
  void twoVolunteers() {
    placement =
        new Placement(
            List.of(
                new VolunteerAddress("10.0.0.1", 3632, 4632),
                new VolunteerAddress("10.0.0.2", 3632, 4632)),
            clock::get);
    a = placement.volunteers().get(0);
    b = placement.volunteers().get(1);
    placement.polled(a, caching(1, "12.2.0"));
    placement.polled(b, caching(3, "12.2.0"));
  }

  private static VolunteerReport caching(int slots, String gcc) {
    return new VolunteerReport(slots, gcc, true);
  }

  private static Job job(String key, int major) {
    return new Job(
        2,
        "gcc",
        "x.c",
        key == null ? null : new CacheKey(key.repeat(64).substring(0, 64)),
        major == 0
            ? null
            : new ClientCompiler(
                major, "/usr/lib/gcc/x86_64-linux-gnu/" + major + "/include/stddef.h"),
        1000);
  }

  private Lease now(Job job) throws Exception {
    return placement.place(
        job, new HashSet<>(), clock.get() + TimeUnit.SECONDS.toNanos(60), () -> false);
  }

  /** A deadline already past: the job is placed now or not at all. */
  private Lease orNone(Job job, Set<Volunteer> tried) throws Exception {
    return placement.place(job, tried, clock.get(), () -> false);
  }

  @Test
  void fillsFreeSlotsInProportionToThemAndQueuesTheRest() throws Exception {
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(now(job(null, 0)));
    }
    assertEquals(1, leases.stream().filter(l -> l.volunteer == a).count());
    assertEquals(3, leases.stream().filter(l -> l.volunteer == b).count());
    Placement.NoVolunteer busy =
        assertThrows(Placement.NoVolunteer.class, () -> orNone(job(null, 0), new HashSet<>()));
    assertTrue(busy.getMessage().contains("--queue-timeout"), busy.getMessage());
  }

  @Test
  void aWaitingJobTakesTheFirstSlotThatFrees() throws Exception {
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(now(job(null, 0)));
    }
    CompletableFuture<Lease> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return now(job(null, 0));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    while (placement.snapshot().queued() == 0) {
      Thread.onSpinWait();
    }
    Lease onA = leases.stream().filter(l -> l.volunteer == a).findFirst().orElseThrow();
    placement.answered(onA, job(null, 0), 0, 1000);
    assertSame(a, waiting.get(30, TimeUnit.SECONDS).volunteer);
  }

  @Test
  void aJobGoesBackToTheVolunteerThatHasItsResultEvenWhenItsSlotsAreBusy() throws Exception {
    Lease first = now(job("a", 0));
    assertSame(b, first.volunteer, "the free slot where it finishes soonest: b's");
    placement.answered(first, job("a", 0), 0, 1000);
    for (int i = 0; i < 3; i++) {
      now(job(null, 0)); // b's three slots busy, then a's
    }
    now(job(null, 0));
    Lease again = orNone(job("a", 0), new HashSet<>());
    assertSame(b, again.volunteer);
    assertTrue(again.affine);
  }

  @Test
  void aFailedCompileRecordsNoAffinity() throws Exception {
    Lease first = now(job("c", 0));
    placement.answered(first, job("c", 0), 1 << 8, 1000);
    assertEquals(0, placement.snapshot().affine());
    assertEquals(false, now(job("c", 0)).affine);
  }

  @Test
  void aClientGoesToAVolunteerOfItsGccWhenTheFarmHasOne() throws Exception {
    placement.polled(a, caching(1, "14.2.0"));
    assertSame(a, now(job(null, 14)).volunteer);
    assertSame(b, now(job(null, 12)).volunteer);
    // no volunteer has gcc 13: the volunteers decide, as their --version-drift says
    assertNotNull(now(job(null, 13)));
  }

  @Test
  void aJobIsNeverSentAgainToAVolunteerItFailedOn() throws Exception {
    Lease onB = now(job(null, 0));
    placement.failed(onB, new VolunteerFailure(VolunteerFailure.Kind.GARBAGE, "nonsense"));
    Set<Volunteer> tried = new HashSet<>(Set.of(b));
    assertSame(a, orNone(job(null, 0), tried).volunteer);
    tried.add(a);
    Placement.NoVolunteer none =
        assertThrows(Placement.NoVolunteer.class, () -> orNone(job(null, 0), tried));
    assertTrue(none.getMessage().contains("failed on every volunteer"), none.getMessage());
  }

  @Test
  void aVolunteerThatAnsweredGarbageIsAvoidedForAMinute() throws Exception {
    Lease onB = now(job(null, 0));
    placement.failed(onB, new VolunteerFailure(VolunteerFailure.Kind.GARBAGE, "nonsense"));
    placement.polled(b, caching(3, "12.2.0")); // its stats page still answers
    assertSame(a, now(job(null, 0)).volunteer);
    assertNull(placementOrNull(job(null, 0)), "a busy, b avoided: the job waits");
    clock.addAndGet(Placement.LONG_NANOS);
    assertSame(b, now(job(null, 0)).volunteer);
  }

  private Lease placementOrNull(Job job) throws Exception {
    try {
      return orNone(job, new HashSet<>());
    } catch (Placement.NoVolunteer busy) {
      return null;
    }
  }

  @Test
  void aVolunteerThatStopsAnsweringLosesItsJobsInFlight() throws Exception {
    Lease onB = now(job(null, 0));
    placement.pollFailed(b, "timed out");
    assertNull(onB.aborted(), "one missed poll is not enough");
    placement.pollFailed(b, "timed out");
    assertNotNull(onB.aborted());
    assertSame(a, now(job(null, 0)).volunteer);
  }

  @Test
  void withNoVolunteerAliveAJobIsSentBackAtOnceSayingSo() {
    for (int i = 0; i < Placement.POLLS_TO_DOWN; i++) {
      placement.pollFailed(a, "connection refused");
      placement.pollFailed(b, "connection refused");
    }
    Placement.NoVolunteer none = assertThrows(Placement.NoVolunteer.class, () -> now(job(null, 0)));
    assertTrue(none.getMessage().contains("no volunteer of the farm is alive"), none.getMessage());
    assertTrue(none.getMessage().contains("connection refused"), none.getMessage());
  }

  /** Both volunteers get 4 slots and compile one job each; b takes 1 ms for it. */
  private void aAndBCompileOnce(Job onA, long aNanos) throws Exception {
    placement.polled(a, caching(4, "12.2.0"));
    placement.polled(b, caching(4, "12.2.0"));
    Lease l1 = now(job(null, 0));
    Lease l2 = now(job(null, 0));
    placement.answered(l1.volunteer == a ? l1 : l2, onA, 0, aNanos);
    placement.answered(l1.volunteer == a ? l2 : l1, job(null, 0), 0, 1_000_000);
  }

  @Test
  void theFasterVolunteerGetsTheJobWhenBothHaveRoom() throws Exception {
    aAndBCompileOnce(job(null, 0), 10_000_000); // a took 10x as long per byte as b
    assertSame(b, now(job(null, 0)).volunteer);
    assertSame(b, now(job(null, 0)).volunteer);
    assertSame(b, now(job(null, 0)).volunteer);
  }

  @Test
  void volunteersFoundByNameJoinAndLeaveAndTheLeaversLoseTheirJobs() throws Exception {
    Lease onB = now(job(null, 0));
    VolunteerAddress c = new VolunteerAddress("10.0.0.3", 3632, 4632);
    placement.sync(List.of(a.address, c));
    assertEquals(List.of(a, placement.volunteers().get(1)), placement.volunteers());
    assertNotNull(onB.aborted(), "b left: its job goes elsewhere");
    Volunteer joined = placement.volunteers().get(1);
    assertEquals(c, joined.address);
    assertEquals(false, joined.alive, "a new volunteer waits for its first poll");
    placement.polled(joined, caching(4, "12.2.0"));
    assertSame(joined, now(job(null, 0)).volunteer);
    assertEquals(false, placement.sync(List.of(a.address, c)), "nothing changed");
  }

  @Test
  void aJobThatAVolunteerIsCompilingForAnotherClientGoesThereToo() throws Exception {
    placement.polled(a, caching(4, "12.2.0"));
    placement.polled(b, caching(4, "12.2.0"));
    Lease first = now(job("d", 0));
    Lease second = now(job("d", 0));
    assertSame(
        first.volunteer, second.volunteer, "the volunteer answers it from the first's result");
    assertTrue(second.affine);
    Lease other = now(job("e", 0));
    assertTrue(other.volunteer != first.volunteer, "another job goes where there is more room");
  }

  @Test
  void jobsDoNotFollowTheirResultsToAVolunteerWithoutACache() throws Exception {
    placement.polled(a, new VolunteerReport(4, "12.2.0", false));
    placement.polled(b, new VolunteerReport(4, "12.2.0", false));
    Lease first = now(job("f", 0));
    Lease second = now(job("f", 0));
    assertTrue(first.volunteer != second.volunteer, "it would compile the duplicate again anyway");
    assertEquals(false, second.affine);
    placement.answered(first, job("f", 0), 0, 1000);
    placement.answered(second, job("f", 0), 0, 1000);
    assertEquals(0, placement.snapshot().affine());
  }

  @Test
  void answersToJobsSentForTheirResultsDoNotMakeAVolunteerLookFast() throws Exception {
    aAndBCompileOnce(job("9", 0), 2_000_000);
    for (int i = 0; i < 8; i++) {
      Lease hit = now(job("9", 0));
      assertSame(a, hit.volunteer);
      assertTrue(hit.affine);
      placement.answered(hit, job("9", 0), 0, 10); // a hit: no compile
    }
    assertSame(b, now(job(null, 0)).volunteer, "a compiles twice as slowly all the same");
  }

  @Test
  void jobsSentForTheirResultsHoldNoSlotOfTheirVolunteer() throws Exception {
    Lease first = now(job("1", 0));
    assertSame(b, first.volunteer);
    for (int i = 0; i < 3; i++) {
      assertTrue(now(job("1", 0)).affine, "four clients building the same tree");
    }
    // b compiles one job for four clients: two of its three slots are free, and a's one
    List<Lease> others = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      others.add(orNone(job(null, 0), new HashSet<>()));
    }
    assertEquals(2, others.stream().filter(l -> l.volunteer == b).count());
    assertEquals(1, others.stream().filter(l -> l.volunteer == a).count());
    assertNull(placementOrNull(job(null, 0)), "every slot compiles now: the next job waits");
  }

  @Test
  void aWaitingJobWhoseClientLeftLeavesTheQueueWithoutAPlace() throws Exception {
    for (int i = 0; i < 4; i++) {
      now(job(null, 0));
    }
    AtomicBoolean left = new AtomicBoolean();
    CompletableFuture<Lease> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return placement.place(
                    job(null, 0),
                    new HashSet<>(),
                    clock.get() + TimeUnit.SECONDS.toNanos(60),
                    left::get);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    while (placement.snapshot().queued() == 0) {
      Thread.onSpinWait();
    }
    left.set(true);
    assertNull(waiting.get(30, TimeUnit.SECONDS), "no place for a job nobody waits for");
    assertEquals(0, placement.snapshot().queued());
  }

  @Test
  void aSlightlyFasterVolunteerDoesNotDrawJobsFromOneWithMoreRoom() throws Exception {
    List<Lease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(now(job(null, 0)));
    }
    for (Lease l : leases) {
      placement.answered(l, job(null, 0), 0, l.volunteer == a ? 600_000 : 1_000_000);
    }
    assertSame(b, now(job(null, 0)).volunteer, "b: (0 + 1) / 3 x 1000 ns per byte");
    // a would take 600 ns per byte, b (1 + 1) / 3 x 1000: a draw, and b has two free slots
    assertSame(b, now(job(null, 0)).volunteer);
    assertSame(b, now(job(null, 0)).volunteer, "one free slot each, a draw: the larger volunteer");
    assertSame(a, now(job(null, 0)).volunteer, "the only free slot");
  }
}
