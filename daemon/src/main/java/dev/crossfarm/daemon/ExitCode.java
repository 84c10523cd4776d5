package dev.crossfarm.daemon;

/**
 * Every exit code the volunteer uses, in one place, with stock distcc's numbers ({@code
 * exitcode.h}) so that a client, a script or a unit file reads them the same way as stock
 * distccd's. A job's code travels in the reply's STAT as {@code code << 8}.
 */
public final class ExitCode {
  public static final int OK = 0;

  /** General failure. */
  public static final int DISTCC_FAILED = 100;

  /** A bad command-line option (daemon), or arguments a job may not carry. */
  public static final int BAD_ARGUMENTS = 101;

  /** The listening port cannot be bound. */
  public static final int BIND_FAILED = 102;

  public static final int IO_ERROR = 107;

  /** The request was cut short. */
  public static final int TRUNCATED = 108;

  public static final int PROTOCOL_ERROR = 109;

  /** The compiler cannot be run: not in the catalog, or not installed. */
  public static final int COMPILER_MISSING = 110;

  /** The client's address is not on the allow-list. */
  public static final int ACCESS_DENIED = 113;

  /** The job ran past --job-lifetime and was killed. */
  public static final int TIMEOUT = 118;

  /** The {@code --auth} login failed or was denied (stock's EXIT_GSSAPI_FAILED). */
  public static final int GSSAPI_FAILED = 119;

  private ExitCode() {}
}
