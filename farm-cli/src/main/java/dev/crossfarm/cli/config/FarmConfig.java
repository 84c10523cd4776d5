package dev.crossfarm.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code farm.yaml}: which targets the farm runs and how. Every key is optional; {@code farm up}
 * without a file uses {@link #DEFAULT}.
 *
 * <pre>
 * targets: [armv7h, aarch64]
 * defaults: {allow: [192.168.1.0/24], jobs: 8}
 * per-target:
 *   aarch64: {port: 3636, memory: 4g, cpus: 4}
 * image: {suite: bookworm}
 * engine: swarm        # docker (default: containers of this engine, else native), native, swarm
 * front: true          # with swarm: one address per target (farm front on the manager)
 * </pre>
 */
public record FarmConfig(
    List<String> targets,
    TargetConfig defaults,
    @JsonProperty("per-target") Map<String, TargetConfig> perTarget,
    ImageConfig image,
    String engine,
    Boolean front) {

  public static final FarmConfig DEFAULT =
      new FarmConfig(List.of("armv7h", "aarch64"), null, null, null, null, null);

  public FarmConfig {
    targets = targets == null || targets.isEmpty() ? DEFAULT_TARGETS : List.copyOf(targets);
    defaults = defaults == null ? TargetConfig.DEFAULTS : defaults;
    perTarget = perTarget == null ? Map.of() : Map.copyOf(perTarget);
    image = image == null ? ImageConfig.DEFAULT : image;
    if (engine != null && !List.of("docker", "native", "swarm").contains(engine)) {
      throw new IllegalArgumentException(
          "engine must be docker, native or swarm, not '" + engine + "'");
    }
  }

  private static final List<String> DEFAULT_TARGETS = List.of("armv7h", "aarch64");

  /** The settings of one target: its own entry over the defaults, field by field. */
  public TargetConfig target(String name) {
    TargetConfig own = perTarget.getOrDefault(name, TargetConfig.DEFAULTS);
    return new TargetConfig(
        first(own.port(), defaults.port()),
        first(own.listen(), defaults.listen()),
        first(own.allow(), defaults.allow()),
        first(own.statsAllow(), defaults.statsAllow()),
        first(own.jobs(), defaults.jobs()),
        first(own.memory(), defaults.memory()),
        first(own.cpus(), defaults.cpus()),
        first(own.jobLifetime(), defaults.jobLifetime()),
        first(own.auth(), defaults.auth()),
        first(own.zeroconf(), defaults.zeroconf()),
        first(own.cache(), defaults.cache()),
        first(own.cacheSize(), defaults.cacheSize()),
        first(own.versionDrift(), defaults.versionDrift()));
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }

  /**
   * How volunteer images are built.
   *
   * @param suite the Debian release the rootfs comes from
   * @param mirror the Debian mirror; default: the one this machine's apt uses
   * @param archiveSha256 target -> the sha256 you verified for its official toolchain tarball
   */
  public record ImageConfig(
      String suite,
      String mirror,
      @JsonProperty("archive-sha256") Map<String, String> archiveSha256) {
    public static final ImageConfig DEFAULT = new ImageConfig(null, null, null);

    public ImageConfig {
      archiveSha256 = archiveSha256 == null ? Map.of() : Map.copyOf(archiveSha256);
      suite = suite == null ? "bookworm" : suite;
      if (!suite.matches("[a-z]+")) {
        throw new IllegalArgumentException(
            "image suite must be a Debian release name, not '" + suite + "'");
      }
    }
  }
}
