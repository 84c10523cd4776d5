package dev.crossfarm.daemon.stats;

import dev.crossfarm.daemon.log.JobSummary.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pieces of the Prometheus text format (0.0.4) and of the process's own facts that a volunteer's
 * pages and a front's share, so both name their series alike.
 */
public final class Metrics {

  private Metrics() {}

  /**
   * The series every server of jobs has: jobs by result, refusals by reason, the duration
   * histogram, bytes and connections.
   */
  public static void results(StringBuilder b, Counters counters) {
    b.append("# HELP crossfarm_jobs_total Jobs finished, by result (stock distccd's names).\n");
    b.append("# TYPE crossfarm_jobs_total counter\n");
    for (Result r : Result.values()) {
      b.append("crossfarm_jobs_total{result=\"")
          .append(r)
          .append("\"} ")
          .append(counters.count(r))
          .append('\n');
    }
    b.append("# HELP crossfarm_refusals_total Requests refused, by reason.\n");
    b.append("# TYPE crossfarm_refusals_total counter\n");
    for (String reason : List.of("access", "arguments", "compiler", "protocol", "other")) {
      b.append("crossfarm_refusals_total{reason=\"")
          .append(reason)
          .append("\"} ")
          .append(counters.refusals().getOrDefault(reason, 0L))
          .append('\n');
    }
    b.append(
        "# HELP crossfarm_job_duration_seconds Time of finished compiles, from connection to reply.\n");
    b.append("# TYPE crossfarm_job_duration_seconds histogram\n");
    long[] cumulative = counters.cumulativeHistogram();
    for (int i = 0; i < Counters.BUCKETS.length; i++) {
      b.append("crossfarm_job_duration_seconds_bucket{le=\"")
          .append(Counters.BUCKETS[i])
          .append("\"} ")
          .append(cumulative[i])
          .append('\n');
    }
    b.append("crossfarm_job_duration_seconds_bucket{le=\"+Inf\"} ")
        .append(cumulative[cumulative.length - 1])
        .append('\n');
    b.append("crossfarm_job_duration_seconds_sum ")
        .append(counters.durationSecondsSum())
        .append('\n');
    b.append("crossfarm_job_duration_seconds_count ").append(counters.compiles()).append('\n');
    counter(
        b, "crossfarm_received_bytes_total", "Bytes received from clients.", counters.bytesIn());
    counter(b, "crossfarm_sent_bytes_total", "Bytes sent to clients.", counters.bytesOut());
    counter(b, "crossfarm_connections_total", "Connections accepted.", counters.accepted());
  }

  public static void counter(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ")
        .append(name)
        .append(" counter\n")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }

  public static void gauge(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ")
        .append(name)
        .append(" gauge\n")
        .append(name)
        .append(' ')
        .append(value)
        .append('\n');
  }

  /** A label value with its backslashes, quotes and newlines escaped. */
  public static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** This JVM's peak resident set (VmHWM), in kB as stock reports RSS. */
  public static long maxRssKb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or no /proc: report none
    }
    return 0;
  }

  /** The machine's load averages over 1, 5 and 15 minutes; zeros where /proc has none. */
  public static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      return new double[3];
    }
  }
}
