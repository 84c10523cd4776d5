package dev.crossfarm.cli.farm;

/**
 * A running (or expected) volunteer, as {@code farm status} and {@code farm hosts} see it.
 *
 * @param kind where it runs
 * @param id container name or process id
 * @param state engine state ("running", "exited", ...) or "running"/"gone" for processes
 * @param auth clients must pass a Kerberos login ({@code ,auth})
 * @param zeroconf announced over mDNS
 */
public record Volunteer(
    String target,
    PlaceKind kind,
    String id,
    String image,
    String compilerVersion,
    String host,
    int port,
    int statsPort,
    int jobs,
    String state,
    boolean auth,
    boolean zeroconf) {

  /** Where it runs, as the status table shows it. */
  public String where() {
    return kind.describe(this);
  }
}
