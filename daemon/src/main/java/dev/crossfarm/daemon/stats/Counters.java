package dev.crossfarm.daemon.stats;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.log.JobSummary.Result;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the volunteer has done, fed by every job summary: counts by result and by refusal reason,
 * bytes in and out, a histogram of job durations, and a per-10-second history of the last 15
 * minutes. Read by the stats page, /metrics, /status.json and the dashboard; never blocks a job.
 */
public final class Counters implements Consumer<JobSummary> {

  /** Upper bounds of the duration histogram, in seconds (Prometheus's {@code le}). */
  public static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

  /** The history: 90 buckets of 10 s. */
  public static final int HISTORY_BUCKETS = 90;

  public static final int BUCKET_SECONDS = 10;

  private final Map<Result, AtomicLong> byResult = new EnumMap<>(Result.class);
  private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();
  private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS.length + 1);
  private final AtomicLong durationMillis = new AtomicLong();
  private final AtomicLong compiles = new AtomicLong();
  private final AtomicLongArray okHistory = new AtomicLongArray(HISTORY_BUCKETS);
  private final AtomicLongArray failedHistory = new AtomicLongArray(HISTORY_BUCKETS);
  private final AtomicLongArray historyEpoch = new AtomicLongArray(HISTORY_BUCKETS);
  private final LongSupplier secondsClock;
  private volatile JobSummary longest;

  /**
   * @param secondsClock the wall clock in seconds, a parameter so tests can give their own
   */
  public Counters(LongSupplier secondsClock) {
    this.secondsClock = secondsClock;
    for (Result r : Result.values()) {
      byResult.put(r, new AtomicLong());
    }
  }

  @Override
  public void accept(JobSummary job) {
    byResult.get(job.result()).incrementAndGet();
    bytesIn.addAndGet(job.bytesIn());
    bytesOut.addAndGet(job.bytesOut());
    if (job.result() == Result.REJ_BAD_REQ) {
      refusals.computeIfAbsent(reason(job.ret()), r -> new AtomicLong()).incrementAndGet();
    }
    if (job.result() == Result.COMPILE_OK || job.result() == Result.COMPILE_ERROR) {
      compiles.incrementAndGet();
      durationMillis.addAndGet(job.millis());
      int b = 0;
      while (b < BUCKETS.length && job.millis() / 1000.0 > BUCKETS[b]) {
        b++;
      }
      histogram.incrementAndGet(b);
    }
    record(job.result() == Result.COMPILE_OK ? okHistory : failedHistory, job.result());
    JobSummary l = longest;
    if (job.result() == Result.COMPILE_OK && (l == null || job.millis() > l.millis())) {
      longest = job;
    }
  }

  private void record(AtomicLongArray series, Result result) {
    if (result == Result.CLI_DISCONN && series == failedHistory) {
      return; // a client that left is not a failure of the volunteer
    }
    long epoch = secondsClock.getAsLong() / BUCKET_SECONDS;
    int slot = (int) (epoch % HISTORY_BUCKETS);
    if (historyEpoch.getAndSet(slot, epoch) != epoch) {
      okHistory.set(slot, 0);
      failedHistory.set(slot, 0);
    }
    series.incrementAndGet(slot);
  }

  /** The refusal reason a job's code stands for, as /metrics labels it. */
  static String reason(int ret) {
    return switch (ret) {
      case ExitCode.BAD_ARGUMENTS -> "arguments";
      case ExitCode.COMPILER_MISSING -> "compiler";
      case ExitCode.ACCESS_DENIED -> "access";
      case ExitCode.PROTOCOL_ERROR -> "protocol";
      default -> "other";
    };
  }

  public void connectionAccepted() {
    accepted.incrementAndGet();
  }

  public long accepted() {
    return accepted.get();
  }

  public long count(Result result) {
    return byResult.get(result).get();
  }

  public Map<String, Long> refusals() {
    Map<String, Long> m = new TreeMap<>();
    refusals.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  public long bytesIn() {
    return bytesIn.get();
  }

  public long bytesOut() {
    return bytesOut.get();
  }

  /** Cumulative counts per bucket, the last one being +Inf. */
  public long[] cumulativeHistogram() {
    long[] c = new long[BUCKETS.length + 1];
    long sum = 0;
    for (int i = 0; i < c.length; i++) {
      sum += histogram.get(i);
      c[i] = sum;
    }
    return c;
  }

  public double durationSecondsSum() {
    return durationMillis.get() / 1000.0;
  }

  public long compiles() {
    return compiles.get();
  }

  /** The longest successful job so far, or null. */
  public JobSummary longest() {
    return longest;
  }

  /** Jobs finished per 10 s bucket, oldest first, ending with the current bucket. */
  public long[][] history() {
    long now = secondsClock.getAsLong() / BUCKET_SECONDS;
    long[] ok = new long[HISTORY_BUCKETS];
    long[] failed = new long[HISTORY_BUCKETS];
    for (int i = 0; i < HISTORY_BUCKETS; i++) {
      long epoch = now - (HISTORY_BUCKETS - 1 - i);
      int slot = (int) (epoch % HISTORY_BUCKETS);
      if (historyEpoch.get(slot) == epoch) {
        ok[i] = okHistory.get(slot);
        failed[i] = failedHistory.get(slot);
      }
    }
    return new long[][] {ok, failed};
  }

  /** Jobs finished (ok or failed) in the last {@code minutes}. */
  public long recent(int minutes) {
    long[][] h = history();
    long n = 0;
    for (int i = HISTORY_BUCKETS - minutes * 60 / BUCKET_SECONDS; i < HISTORY_BUCKETS; i++) {
      n += h[0][i] + h[1][i];
    }
    return n;
  }
}
