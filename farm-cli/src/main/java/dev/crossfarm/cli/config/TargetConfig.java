package dev.crossfarm.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How one target's volunteer runs, as {@code farm.yaml} says; every field may be left out.
 *
 * @param port host port (default: the target's, 3632 / 3635 / 3636)
 * @param listen host address the port is published on (default: every address)
 * @param allow client networks (default: private networks and loopback)
 * @param statsAllow networks that may read the stats port besides {@code allow}, e.g. a Prometheus
 *     server's (default: none)
 * @param jobs compile slots (default: this machine's cores)
 * @param memory container memory limit, e.g. {@code 4g} (default: none)
 * @param cpus container CPU limit, e.g. {@code 2.5} (default: none)
 * @param auth a Kerberos login every client must pass (default: none)
 * @param zeroconf announce the volunteer over mDNS for {@code +zeroconf} clients (default: no)
 * @param cache keep a result cache (default: yes; in containers a volume shared by the host's
 *     volunteers)
 * @param cacheSize the cache's bound, e.g. {@code 5g} (default: the daemon's, 2g)
 * @param versionDrift {@code refuse} (default) or {@code warn}: what a job preprocessed by another
 *     gcc major version gets
 */
public record TargetConfig(
    Integer port,
    String listen,
    List<String> allow,
    @JsonProperty("stats-allow") List<String> statsAllow,
    Integer jobs,
    String memory,
    Double cpus,
    @JsonProperty("job-lifetime") Integer jobLifetime,
    AuthConfig auth,
    Boolean zeroconf,
    Boolean cache,
    @JsonProperty("cache-size") String cacheSize,
    @JsonProperty("version-drift") String versionDrift) {

  public static final TargetConfig DEFAULTS =
      new TargetConfig(
          null, null, null, null, null, null, null, null, null, null, null, null, null);

  public TargetConfig {
    allow = allow == null ? null : List.copyOf(allow);
    statsAllow = statsAllow == null ? null : List.copyOf(statsAllow);
    if (port != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("port must be 1-65535, not " + port);
    }
    if (jobs != null && jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1, not " + jobs);
    }
    if (memory != null && !memory.matches("\\d+[kmgKMG]?")) {
      throw new IllegalArgumentException("memory must look like 512m or 4g, not '" + memory + "'");
    }
    if (cacheSize != null && !cacheSize.matches("\\d+[kmgKMG]?")) {
      throw new IllegalArgumentException(
          "cache-size must look like 512m or 5g, not '" + cacheSize + "'");
    }
    if (versionDrift != null && !List.of("warn", "refuse").contains(versionDrift)) {
      throw new IllegalArgumentException(
          "version-drift must be warn or refuse, not '" + versionDrift + "'");
    }
    if (cpus != null && cpus <= 0) {
      throw new IllegalArgumentException("cpus must be positive, not " + cpus);
    }
  }

  /** Memory limit in bytes, or null. */
  public Long memoryBytes() {
    if (memory == null) {
      return null;
    }
    char unit = Character.toLowerCase(memory.charAt(memory.length() - 1));
    long n =
        Long.parseLong(Character.isDigit(unit) ? memory : memory.substring(0, memory.length() - 1));
    return switch (unit) {
      case 'k' -> n << 10;
      case 'm' -> n << 20;
      case 'g' -> n << 30;
      default -> n;
    };
  }
}
