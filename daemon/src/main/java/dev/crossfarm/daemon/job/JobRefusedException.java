package dev.crossfarm.daemon.job;

/**
 * A job the volunteer will not run, with the reason the client gets in SERR and the exit code it
 * gets in STAT. Messages name the offending input and, where there is one, what to do instead.
 */
public class JobRefusedException extends Exception {
  private final int exitCode;

  public JobRefusedException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
