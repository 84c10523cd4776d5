package dev.crossfarm.front;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossfarm.daemon.log.JobSummary.Result;
import dev.crossfarm.daemon.stats.Counters;
import dev.crossfarm.daemon.stats.Metrics;
import dev.crossfarm.daemon.stats.StatusPages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The front's stats port: the farm of one target as a whole. {@code /status.json} has the fields a
 * volunteer's has (so {@code farm status}, {@code farm top} and {@code farm doctor} read it alike)
 * with {@code "role": "front"}, its volunteers and its clients; {@code /metrics} adds jobs per
 * volunteer, the queue and its waits, retries and the volunteers alive.
 */
final class FrontStatus implements StatusPages {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DASHBOARD = load("front-dashboard.html");

  private final FrontConfig config;
  private final int port;
  private final Counters counters;
  private final Placement placement;
  private final ClientBook clients;
  private final AtomicLong retries;
  private final long startedMillis = System.currentTimeMillis();

  FrontStatus(
      FrontConfig config,
      int port,
      Counters counters,
      Placement placement,
      ClientBook clients,
      AtomicLong retries) {
    this.config = config;
    this.port = port;
    this.counters = counters;
    this.placement = placement;
    this.clients = clients;
    this.retries = retries;
  }

  /** Stock distccd's page, for the front's own jobs (as stock scrapers read any volunteer's). */
  @Override
  public String stockText() {
    Placement.Snapshot s = placement.snapshot();
    StringBuilder b = new StringBuilder("argv /crossfarm-front\n<distccstats>\n");
    line(b, "dcc_tcp_accept", counters.accepted());
    line(b, "dcc_rej_bad_req", counters.count(Result.REJ_BAD_REQ));
    line(b, "dcc_rej_overload", 0);
    line(b, "dcc_compile_ok", counters.count(Result.COMPILE_OK));
    line(b, "dcc_compile_error", counters.count(Result.COMPILE_ERROR));
    line(b, "dcc_compile_timeout", counters.count(Result.COMPILE_TIMEOUT));
    line(b, "dcc_cli_disconnect", counters.count(Result.CLI_DISCONN));
    line(b, "dcc_other", counters.count(Result.OTHER));
    line(b, "dcc_max_kids", s.slots());
    line(b, "dcc_current_load", s.inFlight() + s.queued());
    line(b, "dcc_num_compiles1", counters.recent(1));
    line(b, "dcc_max_RSS", Metrics.maxRssKb());
    b.append("</distccstats>\n");
    return b.toString();
  }

  @Override
  public String prometheus() {
    Placement.Snapshot s = placement.snapshot();
    StringBuilder b = new StringBuilder();
    b.append("# HELP crossfarm_front_info The front's target.\n");
    b.append("# TYPE crossfarm_front_info gauge\n");
    b.append("crossfarm_front_info{toolchain=\"")
        .append(config.toolchain().name())
        .append("\",port=\"")
        .append(port)
        .append("\"} 1\n");
    Metrics.results(b, counters);
    b.append("# HELP crossfarm_front_jobs_total Replies each volunteer gave through the front.\n");
    b.append("# TYPE crossfarm_front_jobs_total counter\n");
    for (Placement.VolunteerView v : s.volunteers()) {
      series(b, "crossfarm_front_jobs_total", v.address(), v.answered());
    }
    b.append(
        "# HELP crossfarm_front_failures_total Attempts on each volunteer that ended without a"
            + " whole reply (each was sent to another).\n");
    b.append("# TYPE crossfarm_front_failures_total counter\n");
    for (Placement.VolunteerView v : s.volunteers()) {
      series(b, "crossfarm_front_failures_total", v.address(), v.failures());
    }
    b.append("# HELP crossfarm_front_in_flight Jobs the front has on each volunteer now.\n");
    b.append("# TYPE crossfarm_front_in_flight gauge\n");
    for (Placement.VolunteerView v : s.volunteers()) {
      series(b, "crossfarm_front_in_flight", v.address(), v.inFlight());
    }
    b.append(
        "# HELP crossfarm_front_volunteer_up Whether each volunteer answers its stats port.\n");
    b.append("# TYPE crossfarm_front_volunteer_up gauge\n");
    for (Placement.VolunteerView v : s.volunteers()) {
      series(b, "crossfarm_front_volunteer_up", v.address(), v.alive() ? 1 : 0);
    }
    Metrics.gauge(
        b, "crossfarm_front_volunteers_alive", "Volunteers answering their stats port.", s.alive());
    Metrics.gauge(
        b, "crossfarm_front_volunteers", "Volunteers the front knows.", s.volunteers().size());
    Metrics.gauge(
        b, "crossfarm_front_queue_length", "Jobs waiting for a free slot now.", s.queued());
    b.append(
        "# HELP crossfarm_front_queue_wait_seconds Time jobs waited for a place, from the end of"
            + " their request.\n");
    b.append("# TYPE crossfarm_front_queue_wait_seconds histogram\n");
    long cumulative = 0;
    for (int i = 0; i < Placement.WAIT_BUCKETS.length; i++) {
      cumulative += s.waits()[i];
      b.append("crossfarm_front_queue_wait_seconds_bucket{le=\"")
          .append(Placement.WAIT_BUCKETS[i])
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    cumulative += s.waits()[Placement.WAIT_BUCKETS.length];
    b.append("crossfarm_front_queue_wait_seconds_bucket{le=\"+Inf\"} ")
        .append(cumulative)
        .append('\n');
    b.append("crossfarm_front_queue_wait_seconds_sum ").append(s.waitSeconds()).append('\n');
    b.append("crossfarm_front_queue_wait_seconds_count ").append(cumulative).append('\n');
    Metrics.counter(
        b,
        "crossfarm_front_retries_total",
        "Jobs sent again to another volunteer after one failed.",
        retries.get());
    Metrics.counter(
        b,
        "crossfarm_front_affinity_total",
        "Jobs sent to the volunteer that gave their result before (cache affinity).",
        s.affine());
    Metrics.gauge(b, "crossfarm_slots", "Slots of the volunteers alive.", s.slots());
    Metrics.gauge(b, "crossfarm_jobs_running", "Jobs on volunteers now.", s.inFlight());
    Metrics.gauge(b, "crossfarm_jobs_queued", "Jobs waiting for a place now.", s.queued());
    Metrics.counter(
        b,
        "crossfarm_version_drift_jobs_total",
        "Jobs sent to a volunteer of another gcc major than their client's.",
        clients.driftedJobs());
    Metrics.counter(
        b,
        "crossfarm_version_unknown_jobs_total",
        "Jobs whose source names no compiler header (version unknown).",
        clients.unknownJobs());
    Metrics.gauge(
        b, "crossfarm_uptime_seconds", "Seconds since the front started.", uptimeSeconds());
    return b.toString();
  }

  private static void series(StringBuilder b, String name, String volunteer, long value) {
    b.append(name)
        .append("{volunteer=\"")
        .append(Metrics.escape(volunteer))
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  @Override
  public String json() {
    Placement.Snapshot snap = placement.snapshot();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("role", "front");
    s.put("toolchain", config.toolchain().name());
    s.put("compilerVersion", commonVersion(snap));
    s.put("port", port);
    s.put("slots", snap.slots());
    s.put("running", snap.inFlight());
    s.put("queued", snap.queued());
    s.put("uptimeSeconds", uptimeSeconds());
    Map<String, Long> results = new LinkedHashMap<>();
    for (Result r : Result.values()) {
      results.put(r.name(), counters.count(r));
    }
    s.put("results", results);
    s.put("refusals", counters.refusals());
    s.put("bytesIn", counters.bytesIn());
    s.put("bytesOut", counters.bytesOut());
    s.put("load1", Metrics.loadAverage()[0]);
    s.put("jobs", List.of());
    s.put("retries", retries.get());
    s.put("affinity", snap.affine());
    List<Map<String, Object>> volunteers = new ArrayList<>();
    for (Placement.VolunteerView v : snap.volunteers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", v.address());
      m.put("alive", v.alive());
      m.put("usable", v.usable());
      m.put("slots", v.slots());
      m.put("inFlight", v.inFlight());
      m.put("compilerVersion", v.compilerVersion());
      m.put("jobs", v.answered());
      m.put("failures", v.failures());
      m.put("microsPerKb", Math.round(v.nanosPerByte()));
      m.put("lastFailure", v.lastFailure());
      volunteers.add(m);
    }
    s.put("volunteers", volunteers);
    s.put("clients", clients.clients());
    Map<String, Object> drift = new LinkedHashMap<>();
    drift.put("policy", "volunteers");
    drift.put("volunteerMajor", Placement.majorOf(commonVersion(snap)));
    drift.put("driftedJobs", clients.driftedJobs());
    drift.put("unknownJobs", clients.unknownJobs());
    drift.put(
        "clients",
        clients.clients().stream()
            .filter(c -> c.drifted() > 0)
            .map(
                c ->
                    Map.of(
                        "address", c.address(),
                        "major", c.major(),
                        "jobs", c.drifted(),
                        "lastSeenMillis", c.lastSeenMillis()))
            .toList());
    s.put("drift", drift);
    long[][] history = counters.history();
    s.put(
        "history",
        Map.of("bucketSeconds", Counters.BUCKET_SECONDS, "ok", history[0], "failed", history[1]));
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The gcc version most volunteers alive have: what the farm compiles with. */
  private static String commonVersion(Placement.Snapshot snap) {
    Map<String, Integer> count = new LinkedHashMap<>();
    for (Placement.VolunteerView v : snap.volunteers()) {
      if (v.alive() && !v.compilerVersion().isEmpty()) {
        count.merge(v.compilerVersion(), 1, Integer::sum);
      }
    }
    return count.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse("");
  }

  @Override
  public String dashboard() {
    return DASHBOARD;
  }

  private long uptimeSeconds() {
    return (System.currentTimeMillis() - startedMillis) / 1000;
  }

  private static void line(StringBuilder b, String name, long value) {
    b.append(name).append(' ').append(value).append('\n');
  }

  private static String load(String resource) {
    try (InputStream in = FrontStatus.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the front's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
