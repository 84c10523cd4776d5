package dev.crossfarm.daemon.run;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.daemon.log.DistccdLog;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.server.Daemon;
import dev.crossfarm.daemon.server.DaemonConfig;
import dev.crossfarm.daemon.server.InetdVolunteer;
import dev.crossfarm.daemon.zeroconf.Advert;
import dev.crossfarm.daemon.zeroconf.ZeroconfPublisher;
import dev.crossfarm.toolchain.CatalogException;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A volunteer as a process, start to stop: its log, its toolchain, then either one client on
 * stdin/stdout ({@code --inetd}) or a daemon on its port with its announcement, pid file and a
 * clean stop on SIGTERM. It owns what is global to the process (stdout, system properties, logging,
 * the shutdown hook), so callers only map their options onto {@link VolunteerOptions}.
 */
public final class VolunteerProcess {

  private static final Logger log = LoggerFactory.getLogger("dcc_daemon");

  private final VolunteerOptions options;

  public VolunteerProcess(VolunteerOptions options) {
    this.options = options;
  }

  /**
   * Serves until stopped: returns after the one --inetd client or the --lifetime; a SIGTERM ends
   * the process with exit 0 once running jobs finished, as stock distccd's.
   *
   * @throws StartupException with stock's exit code when it cannot start
   */
  public int run() throws IOException, InterruptedException {
    // in inetd mode stdout is the protocol: anything else printed there would derail the client
    OutputStream protocolOut = options.inetd() ? new FileOutputStream(FileDescriptor.out) : null;
    if (options.inetd()) {
      System.setOut(System.err);
      if (options.zeroconf() || options.stats()) {
        throw new StartupException(
            ExitCode.BAD_ARGUMENTS,
            "--inetd serves one client on stdin/stdout and exits: --zeroconf and --stats are for"
                + " a volunteer that listens on a port");
      }
    }
    preferVfork();
    configureLogging();
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    DaemonConfig config = ConfigFromOptions.of(options, installed(catalog));
    if (options.inetd()) {
      new InetdVolunteer(config, catalog, VolunteerProcess::jobLog)
          .serve(
              new FileInputStream(FileDescriptor.in), protocolOut, System.getenv("SSH_CONNECTION"));
      return ExitCode.OK;
    }
    return listen(config, catalog);
  }

  private int listen(DaemonConfig config, ToolchainCatalog catalog)
      throws IOException, InterruptedException {
    Daemon daemon = new Daemon(config, catalog, VolunteerProcess::jobLog);
    try {
      daemon.start();
    } catch (BindException e) {
      throw new StartupException(
          ExitCode.BIND_FAILED,
          "cannot listen on "
              + (options.listen() == null ? "port " : options.listen() + ":")
              + config.port()
              + ": "
              + e.getMessage()
              + " (is another distccd or volunteer running there?)");
    }
    ZeroconfPublisher announcer = options.zeroconf() ? announce(daemon, config) : null;
    if (options.pidFile() != null) {
      Files.writeString(options.pidFile(), ProcessHandle.current().pid() + "\n");
    }
    log.info(
        "crossfarm volunteer for {} listening on {}:{}, {} slots, job root {}",
        config.toolchain().describe(),
        options.listen() == null ? "*" : options.listen(),
        daemon.port(),
        config.jobs(),
        config.jobRoot());
    if (daemon.statsPort() > 0) {
      log.info("statistics on port {}", daemon.statsPort());
    }
    log.info(
        "allowing {}{}",
        config.allow(),
        options.allow().isEmpty() && !options.allowPrivate()
            ? " (loopback only: no --allow given)"
            : "");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(daemon, announcer, stopped), "shutdown"));
    if (options.lifetime() > 0) {
      Thread.sleep(Duration.ofSeconds(options.lifetime()).toMillis());
      log.info("--lifetime of {}s reached", options.lifetime());
      return ExitCode.OK; // the caller's System.exit runs the shutdown hook
    }
    stopped.await();
    return ExitCode.OK;
  }

  /** The shutdown hook: goodbyes, running jobs finished, the pid file removed, exit 0. */
  private void stop(Daemon daemon, ZeroconfPublisher announcer, CountDownLatch stopped) {
    if (announcer != null) {
      announcer.close(); // goodbyes first: clients stop choosing this volunteer
    }
    log.info("stopping: refusing new connections, letting running jobs finish");
    daemon.shutdown(Duration.ofSeconds(options.jobLifetime() + 5));
    if (options.pidFile() != null) {
      try {
        Files.deleteIfExists(options.pidFile());
      } catch (IOException ignored) {
        // the daemon is going away; a stale pid file names a dead process
      }
    }
    stopped.countDown();
    // a stop asked for by SIGTERM and done cleanly is a success (exit 0, not the JVM's 143), as
    // stock distccd's, so systemd and docker see a clean stop
    Runtime.getRuntime().halt(ExitCode.OK);
  }

  private InstalledToolchain installed(ToolchainCatalog catalog) {
    Toolchain target;
    try {
      target = catalog.get(options.toolchain());
    } catch (CatalogException e) {
      throw new StartupException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
    try {
      return InstalledToolchain.detect(target);
    } catch (InstalledToolchain.ToolchainMissingException e) {
      throw new StartupException(ExitCode.COMPILER_MISSING, e.getMessage());
    }
  }

  private ZeroconfPublisher announce(Daemon daemon, DaemonConfig config) {
    try {
      List<InetAddress> addresses =
          config.listen() != null
              ? List.of(config.listen())
              : ZeroconfPublisher.multicastAddresses();
      ZeroconfPublisher publisher = ZeroconfPublisher.open(addresses, ZeroconfPublisher.hostName());
      publisher.publish(
          Advert.of(
              config.toolchain(),
              daemon.port(),
              config.jobs(),
              Runtime.getRuntime().availableProcessors()));
      return publisher;
    } catch (IOException e) {
      daemon.shutdown(Duration.ZERO);
      throw new StartupException(ExitCode.BAD_ARGUMENTS, "--zeroconf: " + e.getMessage());
    }
  }

  /**
   * JDK 17 to 21 start every child through jspawnhelper, an extra exec per compile (about 1 ms of a
   * 10 ms job: measured as a 3% throughput loss on tiny jobs against stock distccd). vfork, their
   * Linux default until JDK 11, execs the compiler directly. JDK 22+ deprecate it, so they keep
   * their default. Must run before the first process of this JVM is started.
   */
  private static void preferVfork() {
    String key = "jdk.lang.Process.launchMechanism";
    if (Runtime.version().feature() < 22 && System.getProperty(key) == null) {
      System.setProperty(key, "VFORK");
    }
  }

  private void configureLogging() {
    Level level;
    try {
      String named =
          options.logLevel() != null
              ? options.logLevel()
              : options.inetd() && options.logFile() == null ? "warning" : "notice";
      level = options.verbose() ? Level.FINEST : DistccdLog.level(named);
    } catch (IllegalArgumentException e) {
      throw new StartupException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
    try {
      DistccdLog.configure(options.logStderr() ? null : options.logFile(), level);
    } catch (IOException e) {
      throw new StartupException(
          ExitCode.BAD_ARGUMENTS,
          "cannot open --log-file " + options.logFile() + ": " + e.getMessage());
    }
  }

  private static void jobLog(JobSummary summary) {
    LoggerFactory.getLogger("dcc_job_summary").info(summary.line());
  }
}
