package dev.crossfarm.front;

import dev.crossfarm.daemon.cache.CacheKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each job goes, and the queue of jobs that wait for a place. The rule, in order:
 *
 * <ol>
 *   <li>Only volunteers whose stats port answers, that did not just fail, and that this job has not
 *       failed on already.
 *   <li>The client's gcc major, read from its source: a volunteer with that version when the farm
 *       has one (otherwise the volunteers decide, as their {@code --version-drift} says).
 *   <li>Cache affinity, towards volunteers whose {@code /status.json} says they keep a cache: a job
 *       whose result a volunteer gave before goes back there, even when its slots are busy, since a
 *       hit needs no slot (up to twice its slots plus two in flight, in case the entry is gone and
 *       it compiles after all); so does, without a bound, a job that a volunteer is compiling for
 *       another client right now: the volunteer answers it from that one's result.
 *   <li>Otherwise the volunteer with a free slot where the job would finish soonest: the smallest
 *       {@code (jobs compiling + 1) / slots x recent time per input byte}; costs within twice the
 *       lowest are a draw, won by the volunteer with the most free slots, then the most slots.
 *   <li>No free slot: the job waits in a first-in first-out queue (never a refusal, which would
 *       make the stock client back the whole front off for a minute), until a slot frees or its
 *       queue time-out ends.
 * </ol>
 *
 * This learns from icecream's scheduler (load against the slots a daemon offers, and its measured
 * speed) and from sccache-dist's (jobs wait at the scheduler, not at a busy server). Unlike either,
 * the cache's key is known here, so jobs follow their results.
 */
final class Placement {

  private static final Logger log = LoggerFactory.getLogger("dcc_front");

  /** Upper bounds of the queue wait histogram, in seconds. */
  static final double[] WAIT_BUCKETS = {0.001, 0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 240};

  /** Results remembered for affinity: about 150 bytes each. */
  private static final int AFFINITY_ENTRIES = 65_536;

  /** How long a volunteer is avoided after it reset or refused a connection (its poll decides). */
  static final long BRIEF_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How long a volunteer is avoided after it sent garbage or stalled. */
  static final long LONG_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Costs within this factor of the lowest count as the same (see {@link #pick}). */
  private static final double SAME_COST = 2;

  /** Polls in a row that fail before a volunteer counts as gone. */
  static final int POLLS_TO_DOWN = 2;

  private final ReentrantLock lock = new ReentrantLock();

  /** Replaced whole (under the lock) when the volunteers found by name change. */
  private volatile List<Volunteer> volunteers;

  private final LongSupplier clock;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Map<CacheKey, Volunteer> affinity =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CacheKey, Volunteer> eldest) {
          return size() > AFFINITY_ENTRIES;
        }
      };

  /** The first lease of each key in flight: where the same job is being compiled now. */
  private final Map<CacheKey, Lease> compiling = new HashMap<>();

  private final AtomicLongArray waits = new AtomicLongArray(WAIT_BUCKETS.length + 1);
  private long waitNanosSum;
  private long affine;

  Placement(List<VolunteerAddress> addresses, LongSupplier clock) {
    this.volunteers = addresses.stream().map(Volunteer::new).toList();
    this.clock = clock;
  }

  /** The job cannot be placed: no volunteer is alive, or every one has failed it. */
  static final class NoVolunteer extends Exception {
    NoVolunteer(String message) {
      super(message);
    }
  }

  private static final class Waiter {
    final Job job;
    final Set<Volunteer> tried;
    final Condition placed;
    Lease lease;
    boolean hopeless;

    Waiter(Job job, Set<Volunteer> tried, Condition placed) {
      this.job = job;
      this.tried = tried;
      this.placed = placed;
    }
  }

  /**
   * A place for the job: at once when a volunteer has room, else after waiting in the queue.
   *
   * @param tried volunteers this job failed on, not tried again
   * @param deadline System.nanoTime past which the job stops waiting
   * @param abandoned true once nobody waits for the job any more (its client left): looked at
   *     whenever the job wakes in the queue, at least every second
   * @return the place, or null when the job was abandoned while it waited
   * @throws NoVolunteer when no volunteer can take it (none alive, or the deadline passed)
   */
  Lease place(Job job, Set<Volunteer> tried, long deadline, BooleanSupplier abandoned)
      throws NoVolunteer, InterruptedException {
    long start = clock.getAsLong();
    lock.lock();
    try {
      Waiter w = new Waiter(job, tried, lock.newCondition());
      queue.addLast(w);
      dispatch();
      while (w.lease == null && !w.hopeless) {
        if (abandoned.getAsBoolean()) {
          queue.remove(w);
          return null;
        }
        long left = deadline - clock.getAsLong();
        if (left <= 0) {
          queue.remove(w);
          throw new NoVolunteer(
              "every volunteer of the farm stayed busy for the front's --queue-timeout; this job"
                  + " compiles on the client");
        }
        try {
          // wakes at least every second: a volunteer's time of avoidance may have ended
          w.placed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        } catch (InterruptedException e) {
          queue.remove(w);
          throw e;
        }
        dispatch();
      }
      if (w.hopeless) {
        throw new NoVolunteer(hopelessReason(tried));
      }
      recordWait(clock.getAsLong() - start);
      return w.lease;
    } finally {
      lock.unlock();
    }
  }

  private String hopelessReason(Set<Volunteer> tried) {
    long alive = volunteers.stream().filter(v -> v.alive).count();
    if (alive == 0) {
      return "no volunteer of the farm is alive ("
          + volunteers.size()
          + " known: "
          + describeFailures()
          + "); this job compiles on the client";
    }
    return "the job failed on every volunteer that could take it ("
        + String.join(", ", tried.stream().map(Volunteer::toString).toList())
        + "); this job compiles on the client";
  }

  private String describeFailures() {
    List<String> parts = new ArrayList<>();
    for (Volunteer v : volunteers) {
      parts.add(v + (v.lastFailure.isEmpty() ? "" : " " + v.lastFailure));
    }
    return String.join("; ", parts);
  }

  /** Gives a place to every waiting job that can have one, oldest first. Under the lock. */
  private void dispatch() {
    long now = clock.getAsLong();
    for (Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (!hasCandidate(w)) {
        w.hopeless = true;
        it.remove();
        w.placed.signal();
        continue;
      }
      Lease lease = pick(w, now);
      if (lease != null) {
        w.lease = lease;
        lease.volunteer.inFlight++;
        if (lease.affine) {
          lease.volunteer.affineInFlight++;
        }
        lease.volunteer.leases.add(lease);
        if (lease.key != null) {
          compiling.putIfAbsent(lease.key, lease);
        }
        if (lease.affine) {
          affine++;
        }
        it.remove();
        w.placed.signal();
      }
    }
  }

  /**
   * Whether the job may ever be placed: some volunteer is alive that it has not failed on. One that
   * is only avoided for a while counts: the job waits for it.
   */
  private boolean hasCandidate(Waiter w) {
    for (Volunteer v : volunteers) {
      if (v.alive && !w.tried.contains(v)) {
        return true;
      }
    }
    return false;
  }

  private Lease pick(Waiter w, long now) {
    List<Volunteer> candidates = new ArrayList<>();
    for (Volunteer v : volunteers) {
      if (v.usable(now) && !w.tried.contains(v)) {
        candidates.add(v);
      }
    }
    int major = w.job.clientMajor();
    if (major > 0 && candidates.stream().anyMatch(v -> v.major == major)) {
      candidates.removeIf(v -> v.major != major);
    }
    CacheKey key = w.job.affinity();
    if (key != null) {
      // compiling there now: the duplicate waits for that result, holding no slot, so it goes
      // there however many wait; anywhere else it would be compiled a second time
      Lease twin = compiling.get(key);
      if (twin != null && twin.volunteer.caching && candidates.contains(twin.volunteer)) {
        return new Lease(twin.volunteer, true, key);
      }
      Volunteer before = affinity.get(key);
      if (before != null
          && before.caching
          && candidates.contains(before)
          && before.inFlight < 2 * before.slots + 2) {
        return new Lease(before, true, key);
      }
    }
    double speed = typicalNanosPerByte();
    double lowest = Double.MAX_VALUE;
    for (Volunteer v : candidates) {
      if (v.hasFreeSlot()) {
        lowest = Math.min(lowest, cost(v, speed));
      }
    }
    // time per byte differs several-fold between one source and the next, so costs this close
    // are a draw: the volunteer with the most free slots takes the job, then the larger one
    Volunteer best = null;
    for (Volunteer v : candidates) {
      if (v.hasFreeSlot()
          && cost(v, speed) <= lowest * SAME_COST
          && (best == null || winsDraw(v, best, speed))) {
        best = v;
      }
    }
    return best == null ? null : new Lease(best, false, key);
  }

  /** What a job would cost there: {@code (jobs compiling + 1) / slots x time per byte}. */
  private static double cost(Volunteer v, double typicalNanosPerByte) {
    double perByte = v.nanosPerByte > 0 ? v.nanosPerByte : typicalNanosPerByte;
    return (v.compiling() + 1.0) / v.slots * perByte;
  }

  private static boolean winsDraw(Volunteer v, Volunteer other, double speed) {
    if (v.freeSlots() != other.freeSlots()) {
      return v.freeSlots() > other.freeSlots();
    }
    if (v.slots != other.slots) {
      return v.slots > other.slots;
    }
    return cost(v, speed) < cost(other, speed);
  }

  /** The mean of the volunteers' measured speeds, for one not measured yet; 1 before any. */
  private double typicalNanosPerByte() {
    double sum = 0;
    int n = 0;
    for (Volunteer v : volunteers) {
      if (v.nanosPerByte > 0) {
        sum += v.nanosPerByte;
        n++;
      }
    }
    return n == 0 ? 1 : sum / n;
  }

  /**
   * The volunteer answered (a compile error is an answer too).
   *
   * @param waitStatus the reply's status: 0 records the job's result as being there
   * @param nanos the attempt's time, from connecting to the last byte of the reply
   */
  void answered(Lease lease, Job job, int waitStatus, long nanos) {
    lock.lock();
    try {
      Volunteer v = release(lease);
      v.answered++;
      v.failuresInARow = 0;
      // speed is a measure of compiling: a job sent for its result is most likely a cache hit,
      // answered in a fraction of a compile, and would make its volunteer look fast
      if (waitStatus == 0 && job.inputBytes() > 0 && !lease.affine) {
        double sample = (double) nanos / job.inputBytes();
        v.nanosPerByte = v.nanosPerByte == 0 ? sample : 0.8 * v.nanosPerByte + 0.2 * sample;
      }
      if (waitStatus == 0 && job.affinity() != null) {
        affinity.put(job.affinity(), v);
      }
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The attempt failed before a whole reply came: the volunteer is avoided for a while (briefly
   * when it looks gone, which its next answered poll undoes; a minute when it answered wrongly).
   */
  void failed(Lease lease, VolunteerFailure failure) {
    lock.lock();
    try {
      Volunteer v = release(lease);
      v.failures++;
      v.failuresInARow++;
      v.lastFailure = failure.getMessage();
      boolean gone =
          failure.kind() == VolunteerFailure.Kind.UNREACHABLE
              || failure.kind() == VolunteerFailure.Kind.DROPPED;
      v.avoidUntil = clock.getAsLong() + (gone ? BRIEF_NANOS : LONG_NANOS);
      if (gone) {
        v.alive = false;
      }
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /** The attempt ended for the client's sake (it went away): nothing counts against anyone. */
  void cancelled(Lease lease) {
    lock.lock();
    try {
      release(lease);
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  private Volunteer release(Lease lease) {
    if (lease.key != null) {
      compiling.remove(lease.key, lease);
    }
    Volunteer v = lease.volunteer;
    if (v.leases.remove(lease)) {
      v.inFlight--;
      if (lease.affine) {
        v.affineInFlight--;
      }
    }
    return v;
  }

  /** A poll of the volunteer's stats port answered. */
  void polled(Volunteer v, VolunteerReport report) {
    lock.lock();
    try {
      if (!v.alive) {
        log.info(
            "volunteer {} is up: {} slots, gcc {}, {}",
            v,
            report.slots(),
            report.compilerVersion().isEmpty() ? "?" : report.compilerVersion(),
            report.caching() ? "result cache" : "no result cache");
      }
      v.alive = true;
      v.failedPolls = 0;
      v.slots = Math.max(1, report.slots());
      v.compilerVersion = report.compilerVersion();
      v.major = majorOf(report.compilerVersion());
      v.caching = report.caching();
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /**
   * A poll failed. The second in a row takes the volunteer out, and its jobs in flight are aborted
   * so they go to others at once (a stopped volunteer still accepts connections, and would hold
   * them until the reply time-out).
   */
  void pollFailed(Volunteer v, String why) {
    lock.lock();
    try {
      v.failedPolls++;
      v.lastFailure = why;
      if (v.failedPolls >= POLLS_TO_DOWN && v.alive) {
        v.alive = false;
        log.warn(
            "volunteer {} stopped answering ({}); its {} jobs in flight go to others",
            v,
            why,
            v.leases.size());
        for (Lease l : List.copyOf(v.leases)) {
          l.abort("the volunteer stopped answering its stats port: " + why);
        }
      } else if (v.failedPolls == POLLS_TO_DOWN && !v.alive) {
        log.warn("volunteer {} is down: {}", v, why);
      }
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  private void recordWait(long nanos) {
    waitNanosSum += nanos;
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < WAIT_BUCKETS.length && seconds > WAIT_BUCKETS[i]) {
      i++;
    }
    waits.incrementAndGet(i);
  }

  /** A consistent copy of everything the status pages show. */
  Snapshot snapshot() {
    lock.lock();
    try {
      List<VolunteerView> views = new ArrayList<>();
      for (Volunteer v : volunteers) {
        views.add(
            new VolunteerView(
                v.address.text(),
                v.alive,
                v.usable(clock.getAsLong()),
                v.slots,
                v.inFlight,
                v.compilerVersion,
                v.answered,
                v.failures,
                v.nanosPerByte,
                v.lastFailure));
      }
      long[] w = new long[waits.length()];
      for (int i = 0; i < w.length; i++) {
        w[i] = waits.get(i);
      }
      return new Snapshot(views, queue.size(), w, waitNanosSum / 1e9, affine);
    } finally {
      lock.unlock();
    }
  }

  /** The volunteers now: a copy that later changes do not touch. */
  List<Volunteer> volunteers() {
    return volunteers;
  }

  /**
   * Makes the volunteers exactly {@code wanted}: new addresses join (not alive until their first
   * poll answers), known ones keep their state, and those no longer wanted leave; their jobs in
   * flight are aborted and go to others.
   *
   * @return whether anything changed
   */
  boolean sync(List<VolunteerAddress> wanted) {
    lock.lock();
    try {
      List<Volunteer> next = new ArrayList<>();
      for (VolunteerAddress a : wanted) {
        next.add(
            volunteers.stream()
                .filter(v -> v.address.equals(a))
                .findFirst()
                .orElseGet(() -> new Volunteer(a)));
      }
      boolean changed = !next.equals(volunteers);
      for (Volunteer v : volunteers) {
        if (!next.contains(v)) {
          log.warn(
              "volunteer {} is gone from the farm; its {} jobs go to others", v, v.leases.size());
          v.alive = false;
          for (Lease l : List.copyOf(v.leases)) {
            l.abort("the volunteer left the farm");
          }
        }
      }
      for (Volunteer v : next) {
        if (!volunteers.contains(v)) {
          log.info("volunteer {} joined the farm", v);
        }
      }
      volunteers = List.copyOf(next);
      dispatch();
      return changed;
    } finally {
      lock.unlock();
    }
  }

  /** One volunteer in a snapshot. */
  record VolunteerView(
      String address,
      boolean alive,
      boolean usable,
      int slots,
      int inFlight,
      String compilerVersion,
      long answered,
      long failures,
      double nanosPerByte,
      String lastFailure) {}

  /**
   * @param waits jobs per {@link #WAIT_BUCKETS} bucket (the last: over the highest bound)
   * @param affine jobs placed by cache affinity
   */
  record Snapshot(
      List<VolunteerView> volunteers, int queued, long[] waits, double waitSeconds, long affine) {

    int alive() {
      return (int) volunteers.stream().filter(VolunteerView::alive).count();
    }

    int slots() {
      return volunteers.stream().filter(VolunteerView::alive).mapToInt(VolunteerView::slots).sum();
    }

    int inFlight() {
      return volunteers.stream().mapToInt(VolunteerView::inFlight).sum();
    }
  }

  static int majorOf(String version) {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
