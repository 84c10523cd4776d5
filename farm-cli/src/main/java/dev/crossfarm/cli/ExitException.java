package dev.crossfarm.cli;

/**
 * Ends a command with an exit code and a message for the user (JBang's habit): commands throw it,
 * {@link Farm} prints the message and exits, in one place.
 */
public class ExitException extends RuntimeException {
  private final int code;

  public ExitException(int code, String message) {
    super(message);
    this.code = code;
  }

  public ExitException(int code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
