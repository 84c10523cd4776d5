package dev.crossfarm.daemon.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossfarm.daemon.cache.ResultCache;
import dev.crossfarm.daemon.drift.VersionDrift;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.log.JobSummary.Result;
import dev.crossfarm.daemon.server.DaemonConfig;
import dev.crossfarm.daemon.server.JobSlots;
import dev.crossfarm.daemon.server.RunningJobs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The volunteer seen from outside, in the three forms its stats port serves: stock distccd's text
 * page (which existing tools parse), Prometheus text exposition, and JSON for the dashboard and
 * {@code farm top}. Everything is read from counters and snapshots: rendering never waits for a
 * job.
 */
public final class VolunteerStatus implements StatusPages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DaemonConfig config;
  private final int port;
  private final Counters counters;
  private final JobSlots slots;
  private final RunningJobs running;
  private final ResultCache cache;
  private final VersionDrift drift;
  private final long startedMillis;

  /**
   * @param port the bound compile port (the config may say 0: any free port)
   */
  public VolunteerStatus(
      DaemonConfig config,
      int port,
      Counters counters,
      JobSlots slots,
      RunningJobs running,
      ResultCache cache,
      VersionDrift drift,
      long startedMillis) {
    this.config = config;
    this.port = port;
    this.counters = counters;
    this.slots = slots;
    this.running = running;
    this.cache = cache;
    this.drift = drift;
    this.startedMillis = startedMillis;
  }

  /** Stock distccd 3.4's page: the same field names in the same order. */
  @Override
  public String stockText() {
    JobSummary longest = counters.longest();
    double[] load = Metrics.loadAverage();
    StringBuilder b = new StringBuilder("argv /distccd\n<distccstats>\n");
    line(b, "dcc_tcp_accept", counters.accepted());
    line(b, "dcc_rej_bad_req", counters.count(Result.REJ_BAD_REQ));
    line(b, "dcc_rej_overload", 0);
    line(b, "dcc_compile_ok", counters.count(Result.COMPILE_OK));
    line(b, "dcc_compile_error", counters.count(Result.COMPILE_ERROR));
    line(b, "dcc_compile_timeout", counters.count(Result.COMPILE_TIMEOUT));
    line(b, "dcc_cli_disconnect", counters.count(Result.CLI_DISCONN));
    line(b, "dcc_other", counters.count(Result.OTHER));
    b.append("dcc_longest_job ").append(longest == null ? "none" : longest.source()).append('\n');
    b.append("dcc_longest_job_compiler ")
        .append(longest == null ? "none" : longest.compiler())
        .append('\n');
    line(b, "dcc_longest_job_time_msecs", longest == null ? 0 : longest.millis());
    line(b, "dcc_max_kids", slots.size());
    // stock averages its busy children over 1, 5 and 15 minutes; the running count stands in
    line(b, "dcc_avg_kids1", slots.running());
    line(b, "dcc_avg_kids2", slots.running());
    line(b, "dcc_avg_kids3", slots.running());
    line(b, "dcc_current_load", slots.running() + slots.waiting());
    b.append(
        String.format(
            Locale.ROOT,
            "dcc_load1 %.2f%ndcc_load2 %.2f%ndcc_load3 %.2f%n",
            load[0],
            load[1],
            load[2]));
    line(b, "dcc_num_compiles1", counters.recent(1));
    line(b, "dcc_num_compiles2", counters.recent(5));
    line(b, "dcc_num_compiles3", counters.recent(15));
    line(b, "dcc_num_procstate_D", 0);
    line(b, "dcc_max_RSS", Metrics.maxRssKb());
    b.append("dcc_max_RSS_name (java)\n");
    line(b, "dcc_io_rate", -1);
    b.append("dcc_free_space ").append(freeMegabytes()).append(" MB\n");
    b.append("</distccstats>\n");
    return b.toString();
  }

  /** Prometheus text exposition format 0.0.4. */
  @Override
  public String prometheus() {
    String target = config.toolchain().toolchain().name();
    StringBuilder b = new StringBuilder();
    b.append("# HELP crossfarm_volunteer_info The volunteer's target and compiler.\n");
    b.append("# TYPE crossfarm_volunteer_info gauge\n");
    b.append("crossfarm_volunteer_info{toolchain=\"")
        .append(target)
        .append("\",compiler_version=\"")
        .append(Metrics.escape(config.toolchain().version()))
        .append("\",compiler_prefix=\"")
        .append(Metrics.escape(config.toolchain().installation().prefix()))
        .append("\",port=\"")
        .append(port)
        .append("\"} 1\n");
    Metrics.results(b, counters);
    Metrics.gauge(b, "crossfarm_jobs_running", "Compilers running now.", slots.running());
    Metrics.gauge(
        b, "crossfarm_jobs_queued", "Jobs received and waiting for a slot.", slots.waiting());
    Metrics.gauge(b, "crossfarm_slots", "Compile slots (--jobs).", slots.size());
    Metrics.gauge(
        b, "crossfarm_uptime_seconds", "Seconds since the volunteer started.", uptimeSeconds());
    ResultCache.Stats c = cache.stats();
    Metrics.counter(
        b, "crossfarm_cache_hits_total", "Jobs answered from the result cache.", c.hits());
    Metrics.counter(
        b,
        "crossfarm_cache_misses_total",
        "Cacheable jobs the result cache did not have.",
        c.misses());
    Metrics.counter(b, "crossfarm_cache_stores_total", "Results stored in the cache.", c.stores());
    Metrics.counter(
        b,
        "crossfarm_cache_evictions_total",
        "Entries removed to keep the cache under --cache-size.",
        c.evictions());
    Metrics.counter(
        b,
        "crossfarm_cache_errors_total",
        "Damaged entries removed and stores that failed (full disk, read-only).",
        c.errors());
    Metrics.gauge(
        b, "crossfarm_cache_bytes", "Bytes of the files in the cache's directory.", c.bytes());
    Metrics.gauge(
        b, "crossfarm_cache_size_limit_bytes", "--cache-size (0: no cache).", c.maxBytes());
    Metrics.counter(
        b,
        "crossfarm_version_drift_jobs_total",
        "Jobs preprocessed by another gcc major version than this volunteer's.",
        drift.driftedJobs());
    Metrics.counter(
        b,
        "crossfarm_version_unknown_jobs_total",
        "Jobs whose source names no compiler header (version unknown).",
        drift.unknownJobs());
    return b.toString();
  }

  /** For the dashboard and farm top. */
  @Override
  public String dashboard() {
    return Dashboard.page();
  }

  @Override
  public String json() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("toolchain", config.toolchain().toolchain().name());
    s.put("compilerVersion", config.toolchain().version());
    s.put("compilerPrefix", config.toolchain().installation().prefix());
    s.put("port", port);
    s.put("slots", slots.size());
    s.put("running", slots.running());
    s.put("queued", slots.waiting());
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
    s.put("jobs", running.snapshot());
    ResultCache.Stats c = cache.stats();
    Map<String, Object> cacheJson = new LinkedHashMap<>();
    cacheJson.put("enabled", c.enabled());
    cacheJson.put("directory", c.directory());
    cacheJson.put("hits", c.hits());
    cacheJson.put("misses", c.misses());
    cacheJson.put("hitRate", c.hitRate());
    cacheJson.put("stores", c.stores());
    cacheJson.put("evictions", c.evictions());
    cacheJson.put("errors", c.errors());
    cacheJson.put("bytes", c.bytes());
    cacheJson.put("maxBytes", c.maxBytes());
    s.put("cache", cacheJson);
    Map<String, Object> driftJson = new LinkedHashMap<>();
    driftJson.put("policy", drift.policy().name().toLowerCase(Locale.ROOT));
    driftJson.put("volunteerMajor", drift.volunteerMajor());
    driftJson.put("driftedJobs", drift.driftedJobs());
    driftJson.put("unknownJobs", drift.unknownJobs());
    driftJson.put("clients", drift.clients());
    s.put("drift", driftJson);
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

  private long uptimeSeconds() {
    return (System.currentTimeMillis() - startedMillis) / 1000;
  }

  private static void line(StringBuilder b, String name, long value) {
    b.append(name).append(' ').append(value).append('\n');
  }

  private long freeMegabytes() {
    try {
      Path root = config.jobRoot();
      FileStore store = Files.getFileStore(Files.exists(root) ? root : root.getParent());
      return store.getUsableSpace() >> 20;
    } catch (IOException e) {
      return 0;
    }
  }
}
