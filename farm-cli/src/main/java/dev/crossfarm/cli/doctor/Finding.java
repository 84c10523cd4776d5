package dev.crossfarm.cli.doctor;

/**
 * One thing {@code farm doctor} found.
 *
 * @param subject what it is about: a host, the compiler, a file
 * @param fix what to do, or null when nothing is to be done
 */
public record Finding(Level level, String subject, String what, String fix) {

  /** How much it matters. */
  public enum Level {
    /** Works. */
    OK,
    /** Worth knowing; does not stop distribution (or concerns a tool not asked about). */
    NOTE,
    /** Stops jobs from being distributed, or makes their objects differ: exit code 1. */
    PROBLEM
  }

  public static Finding ok(String subject, String what) {
    return new Finding(Level.OK, subject, what, null);
  }

  public String text() {
    String tag =
        switch (level) {
          case OK -> "ok     ";
          case NOTE -> "note   ";
          case PROBLEM -> "PROBLEM";
        };
    return tag + " " + subject + ": " + what + (fix == null ? "" : "\n        fix: " + fix);
  }
}
