package dev.crossfarm.front;

/** An attempt on a volunteer that ended without a whole reply: the job goes to another. */
final class VolunteerFailure extends Exception {

  enum Kind {
    /** Connecting failed: the volunteer is not there. */
    UNREACHABLE,
    /** The connection closed or reset before the reply was whole: it died, or was stopped. */
    DROPPED,
    /** The reply broke the protocol. */
    GARBAGE,
    /** Nothing came for the reply time-out. */
    STALLED
  }

  private final Kind kind;

  VolunteerFailure(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }
}
