package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.log.JobSummary;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The jobs in the volunteer right now and where each one is: what {@code /status.json}, the
 * dashboard and {@code farm top} show. Connections register themselves and move through phases;
 * readers take snapshots and never block a job.
 */
public final class RunningJobs {

  /** Where a job is in its life. */
  public enum Phase {
    RECEIVE,
    QUEUED,
    COMPILE,
    SEND
  }

  /** A running job as a snapshot shows it. */
  public record View(
      String client, String compiler, String source, Phase phase, long elapsedMillis) {}

  private final Map<Long, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final LongSupplier nanoClock;

  public RunningJobs(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** One registered job; closing it removes it. */
  public final class Job implements AutoCloseable {
    private final long id = ids.incrementAndGet();
    private final String client;
    private final long started = nanoClock.getAsLong();
    private volatile Phase phase = Phase.RECEIVE;
    private volatile String compiler;
    private volatile String source;

    private Job(InetSocketAddress client) {
      this.client = JobSummary.describe(client);
    }

    public void phase(Phase p) {
      phase = p;
    }

    public void describe(String compiler, String source) {
      this.compiler = compiler;
      this.source = source;
    }

    /** The compiler the client named, or null before its arguments came. */
    public String compiler() {
      return compiler;
    }

    /** The source file's name as the client gave it, or null before its arguments came. */
    public String source() {
      return source;
    }

    View view(long now) {
      return new View(client, compiler, source, phase, (now - started) / 1_000_000);
    }

    @Override
    public void close() {
      jobs.remove(id);
    }
  }

  public Job start(InetSocketAddress client) {
    Job job = new Job(client);
    jobs.put(job.id, job);
    return job;
  }

  /** Every job now, the oldest first. */
  public List<View> snapshot() {
    long now = nanoClock.getAsLong();
    return jobs.values().stream()
        .map(j -> j.view(now))
        .sorted(Comparator.comparingLong(View::elapsedMillis).reversed())
        .toList();
  }
}
