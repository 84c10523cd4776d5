package dev.crossfarm.daemon.run;

/**
 * The volunteer cannot start: a message for the user and stock distccd's exit code for the reason
 * (101 bad option, 102 port in use, 110 toolchain missing).
 */
public final class StartupException extends RuntimeException {
  private final int exitCode;

  public StartupException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
