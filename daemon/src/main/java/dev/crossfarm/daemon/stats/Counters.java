package dev.crossfarm.daemon.stats;

import dev.crossfarm.daemon.log.JobSummary;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Job counters by result, fed by every job summary; read by the stats page. */
public final class Counters implements Consumer<JobSummary> {

  private final Map<JobSummary.Result, AtomicLong> byResult =
      new EnumMap<>(JobSummary.Result.class);
  private final AtomicLong accepted = new AtomicLong();
  private volatile JobSummary longest;

  public Counters() {
    for (JobSummary.Result r : JobSummary.Result.values()) {
      byResult.put(r, new AtomicLong());
    }
  }

  @Override
  public void accept(JobSummary job) {
    byResult.get(job.result()).incrementAndGet();
    JobSummary l = longest;
    if (job.result() == JobSummary.Result.COMPILE_OK && (l == null || job.millis() > l.millis())) {
      longest = job;
    }
  }

  /** A connection was accepted (stock's dcc_tcp_accept). */
  public void connectionAccepted() {
    accepted.incrementAndGet();
  }

  public long accepted() {
    return accepted.get();
  }

  public long count(JobSummary.Result result) {
    return byResult.get(result).get();
  }

  /** The longest successful job so far, or null. */
  public JobSummary longest() {
    return longest;
  }
}
