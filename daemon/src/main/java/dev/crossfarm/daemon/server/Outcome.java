package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.cache.CacheKey;
import dev.crossfarm.daemon.cache.CachedResult;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.log.JobSummary.Result;
import java.nio.file.Path;
import org.slf4j.event.Level;

/**
 * How one connection ended. Every step of a job returns one of these to {@link Connection}, which
 * writes the reply or refusal, the log line and the job summary in one place.
 */
sealed interface Outcome {

  /** Connected and closed without a word: a port probe or health check, not a job. */
  record Silent() implements Outcome {}

  /**
   * The compiler ran and its result goes back: status, stderr, stdout, the object and, for pump,
   * the dependency file (else null), and the key to store the result under once the client has it
   * (null: not cached).
   */
  record Answered(
      int waitStatus,
      byte[] stderr,
      Path stdout,
      Path object,
      byte[] dependencies,
      CacheKey storeAs)
      implements Outcome {}

  /** A successful compile's reply from the result cache: no compiler ran, no slot was taken. */
  record Cached(CachedResult result) implements Outcome {}

  /**
   * The job will not be answered with an object; the client gets {@code message} in SERR and {@code
   * exitCode} in STAT, in its own protocol version.
   *
   * @param level how loud the log line is, or null for none (the summary line still says it)
   */
  record Refused(Result result, int exitCode, int waitStatus, String message, Level level)
      implements Outcome {

    /** A job that may not run here: the request or one of its files broke a rule. */
    static Refused of(JobRefusedException e, Level level) {
      return new Refused(Result.REJ_BAD_REQ, e.exitCode(), 0, e.getMessage(), level);
    }
  }

  /**
   * Nobody to answer (the client went away or fell silent): only the log and the summary.
   *
   * @param level how loud the log line is, or null for none
   */
  record Dropped(Result result, int exitCode, String why, Level level) implements Outcome {}
}
