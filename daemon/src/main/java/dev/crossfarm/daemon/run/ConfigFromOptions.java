package dev.crossfarm.daemon.run;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.drift.VersionDrift;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.server.AccessList;
import dev.crossfarm.daemon.server.DaemonConfig;
import dev.crossfarm.toolchain.Toolchain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Stock's options resolved into the daemon's configuration, each bad one refused by name. */
final class ConfigFromOptions {

  private ConfigFromOptions() {}

  static DaemonConfig of(VolunteerOptions o, InstalledToolchain installed) {
    try {
      int compilePort = o.port() != null ? o.port() : installed.toolchain().port();
      return new DaemonConfig(
          installed,
          ServerAddresses.listen(o.listen()),
          compilePort,
          AccessList.parse(ServerAddresses.clients(o.allow(), o.allowPrivate())),
          o.jobs() != null ? o.jobs() : Runtime.getRuntime().availableProcessors() + 2,
          o.nice(),
          Duration.ofSeconds(o.jobLifetime()),
          Duration.ofSeconds(o.ioTimeout()),
          o.maxConnections(),
          new RequestLimits(o.maxArgs(), o.maxArgLength(), (long) o.maxSourceMb() << 20),
          jobRoot(o.jobDir(), installed.toolchain()),
          o.stats()
              ? (o.statsPort() != null ? o.statsPort() : Toolchain.statsPortOf(compilePort))
              : null,
          AccessList.parse(o.statsAllow()),
          ServiceLogin.of(o),
          o.cacheDir(),
          o.cacheDir() == null ? 0 : sizeOf(o.cacheSize()),
          VersionDrift.Policy.parse(o.versionDrift()),
          o.locale(),
          o.relaySocket());
    } catch (IllegalArgumentException e) {
      throw new StartupException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
  }

  /** {@code 200k}, {@code 512m}, {@code 2g} or a plain count of bytes. */
  static long sizeOf(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--cache-size takes a size such as 512m or 2g, not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("--cache-size must be more than 0, not '" + text + "'");
    }
    return n << shift;
  }

  private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmg]?)(?:i?b)?");

  /** A directory of this process's own, so two volunteers never share job directories. */
  private static Path jobRoot(Path jobDir, Toolchain toolchain) {
    return (jobDir != null ? jobDir : Path.of(System.getProperty("java.io.tmpdir")))
        .resolve("crossfarm-" + toolchain.name() + "-" + ProcessHandle.current().pid());
  }
}
