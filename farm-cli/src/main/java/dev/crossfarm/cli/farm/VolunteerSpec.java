package dev.crossfarm.cli.farm;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.config.TargetConfig;
import dev.crossfarm.toolchain.Toolchain;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One volunteer as the farm should run it, resolved from {@code farm.yaml} and the catalog: the
 * settings a container or native process is started with. Its digest tells {@code farm up} whether
 * a running volunteer still matches.
 *
 * @param allow client networks; empty means stock's {@code --allow-private}
 * @param jobs compile slots; 0 leaves the daemon's default (cores + 2 where it runs)
 * @param memoryBytes container memory limit, or null
 * @param cpus container CPU limit, or null
 */
public record VolunteerSpec(
    Toolchain toolchain,
    int port,
    String listen,
    List<String> allow,
    int jobs,
    Long memoryBytes,
    Double cpus,
    int jobLifetime) {

  public static VolunteerSpec of(Toolchain toolchain, FarmConfig config, int hostCores) {
    TargetConfig t = config.target(toolchain.name());
    return new VolunteerSpec(
        toolchain,
        t.port() != null ? t.port() : toolchain.port(),
        t.listen(),
        t.allow() == null ? List.of() : t.allow(),
        t.jobs() != null ? t.jobs() : hostCores,
        t.memoryBytes(),
        t.cpus(),
        t.jobLifetime() != null ? t.jobLifetime() : 900);
  }

  public String target() {
    return toolchain.name();
  }

  public int statsPort() {
    return port + 1000;
  }

  /** Options after {@code farm daemon --toolchain T}, for a daemon on {@code daemonPort}. */
  public List<String> daemonArguments(int daemonPort, String jobDir) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--port", Integer.toString(daemonPort)));
    if (allow.isEmpty()) {
      args.add("--allow-private");
    } else {
      for (String a : allow) {
        args.addAll(List.of("--allow", a));
      }
    }
    if (jobs > 0) {
      args.addAll(List.of("--jobs", Integer.toString(jobs)));
    }
    args.addAll(List.of("--job-lifetime", Integer.toString(jobLifetime)));
    args.addAll(List.of("--stats", "--stats-port", Integer.toString(daemonPort + 1000)));
    args.addAll(List.of("--job-dir", jobDir));
    return args;
  }

  /** Digest of everything that shapes the running volunteer (plus its image). */
  public String digest(String image) {
    String text =
        image
            + "|"
            + toolchain.name()
            + "|"
            + port
            + "|"
            + listen
            + "|"
            + allow
            + "|"
            + jobs
            + "|"
            + memoryBytes
            + "|"
            + cpus
            + "|"
            + jobLifetime;
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
