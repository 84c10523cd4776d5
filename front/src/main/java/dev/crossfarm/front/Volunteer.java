package dev.crossfarm.front;

import java.util.HashSet;
import java.util.Set;

/**
 * One volunteer as the front knows it: what its {@code /status.json} last said, what the front has
 * in flight there, how fast it has been and when it last failed. Every field is read and written
 * under the {@link Placement}'s lock.
 */
final class Volunteer {

  final VolunteerAddress address;

  /** Its stats port answered the last poll (or the one before). */
  boolean alive;

  int slots = 1;
  String compilerVersion = "";
  int major;

  /** It keeps a result cache, so a job it answered before is a hit there. */
  boolean caching;

  /** Jobs the front has sent and not had back: the front's own count, not the volunteer's. */
  int inFlight;

  /**
   * Of those, the jobs sent for their results (cache affinity): they wait for a result or hit the
   * cache, and hold no compile slot.
   */
  int affineInFlight;

  /** Not given jobs before this instant (System.nanoTime), after a failure. */
  long avoidUntil;

  String lastFailure = "";
  int failedPolls;
  int failuresInARow;

  /** Recent time per input byte of its jobs, an exponential average; 0 before the first. */
  double nanosPerByte;

  long answered;
  long failures;

  final Set<Lease> leases = new HashSet<>();

  Volunteer(VolunteerAddress address) {
    this.address = address;
  }

  boolean usable(long now) {
    return alive && now - avoidUntil >= 0;
  }

  /** Jobs in flight that hold one of its compile slots, as far as the front knows. */
  int compiling() {
    return inFlight - affineInFlight;
  }

  int freeSlots() {
    return slots - compiling();
  }

  boolean hasFreeSlot() {
    return freeSlots() > 0;
  }

  @Override
  public String toString() {
    return address.text();
  }
}
