package dev.crossfarm.daemon.log;

import java.net.InetSocketAddress;

/**
 * One finished job, as stock distccd's {@code dcc_job_summary} line reports it, which people and
 * tools grep: {@code client: 127.0.0.1:41234 COMPILE_OK exit:0 sig:0 core:0 ret:0 time:225ms gcc
 * lapi.c}, with {@code cache:hit} after it when the result cache answered.
 *
 * @param waitStatus the compiler's wait status (0 when it never ran)
 * @param ret the volunteer's own code for the job: 0, or an {@code ExitCode}
 * @param bytesIn bytes received from the client
 * @param bytesOut bytes sent to the client
 * @param cached answered from the result cache: the line ends with {@code cache:hit}
 */
public record JobSummary(
    InetSocketAddress client,
    Result result,
    int waitStatus,
    int ret,
    long millis,
    String compiler,
    String source,
    long bytesIn,
    long bytesOut,
    boolean cached) {

  /** How the line of a job answered from the result cache ends, for grep. */
  public static final String CACHE_HIT = "cache:hit";

  /** Stock distccd's job results. */
  public enum Result {
    COMPILE_OK,
    COMPILE_ERROR,
    COMPILE_TIMEOUT,
    CLI_DISCONN,
    REJ_BAD_REQ,
    OTHER
  }

  /**
   * {@code IP:PORT}, or the name of an unresolved address: an {@code --inetd} volunteer on a pipe
   * whose client sshd did not name.
   */
  public static String describe(InetSocketAddress client) {
    return client.isUnresolved()
        ? client.getHostString()
        : client.getAddress().getHostAddress() + ":" + client.getPort();
  }

  public String line() {
    int sig = waitStatus & 0x7f;
    boolean core = (waitStatus & 0x80) != 0;
    return "client: "
        + describe(client)
        + " "
        + result
        + " exit:"
        + (waitStatus >> 8 & 0xff)
        + " sig:"
        + sig
        + " core:"
        + (core ? 1 : 0)
        + " ret:"
        + ret
        + " time:"
        + millis
        + "ms "
        + (compiler == null ? "(none)" : compiler)
        + " "
        + (source == null ? "(none)" : source)
        + (cached ? " " + CACHE_HIT : "");
  }
}
