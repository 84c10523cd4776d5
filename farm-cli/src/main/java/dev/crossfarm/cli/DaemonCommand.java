package dev.crossfarm.cli;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.auth.GssAuthenticator;
import dev.crossfarm.daemon.auth.PrincipalList;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.server.AccessList;
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
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code farm daemon}: the volunteer in the foreground, with stock distccd's option names, so a
 * distccd command line or a {@code DISTCC_ARGS} value works unchanged.
 */
@Command(
    name = "daemon",
    header = "Run a volunteer in the foreground (stock distccd options).",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a volunteer: a distccd-compatible compile server for one target architecture.",
      "",
      "Stock distcc clients (protocol 1 and ',lzo') send it compile jobs. It runs only the",
      "compilers of its toolchain (a plain 'gcc' means that toolchain's gcc), refuses options",
      "that could reach outside a job (-wrapper, -fplugin, -specs, -B, @file, -aux-info, ...)",
      "with a message the client shows, and checks that every object is for its machine.",
      "",
      "Example: farm daemon --toolchain aarch64 --allow 192.168.1.0/24",
      "Client:  DISTCC_HOSTS='volunteer:3636/4,lzo' make -j8 CC='distcc aarch64-linux-gnu-gcc'"
    },
    footer = {
      "",
      "Exit codes (as stock distccd): 101 bad option, 102 port in use, 110 toolchain missing."
    })
final class DaemonCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger("dcc_daemon");

  @Option(
      names = "--toolchain",
      required = true,
      paramLabel = "ARCH",
      description = "Target to compile for: x86_64, armv7h or aarch64 (alias armv8).")
  String toolchain;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "TCP port (default: the target's, x86_64 3632, armv7h 3635, aarch64 3636).")
  Integer port;

  @Option(
      names = "--listen",
      paramLabel = "ADDRESS",
      description = "Listen on this address only (default: every address).")
  String listen;

  @Option(
      names = {"-a", "--allow"},
      paramLabel = "IP[/BITS]",
      description =
          "Accept clients from this address or network (repeatable; IPv4 or IPv6)."
              + " Without --allow and --allow-private only this machine (loopback) is accepted.")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--allow-private",
      description =
          "Accept private networks: 10/8, 172.16/12, 192.168/16, 127/8, fe80::/10, fc00::/7, ::1.")
  boolean allowPrivate;

  @Option(
      names = {"-j", "--jobs"},
      paramLabel = "N",
      description = "Compilers run at once (default: CPU cores + 2, as stock distccd).")
  Integer jobs;

  @Option(
      names = {"-N", "--nice"},
      paramLabel = "LEVEL",
      defaultValue = "5",
      description = "Nice level of the compilers (default: ${DEFAULT-VALUE}).")
  int nice;

  @Option(
      names = "--job-lifetime",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description = "Kill a compile that runs longer (default: ${DEFAULT-VALUE}).")
  long jobLifetime;

  @Option(
      names = "--lifetime",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Stop the daemon after this many seconds (default: never).")
  long lifetime;

  @Option(
      names = "--io-timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Drop a client that sends nothing for this long (default: ${DEFAULT-VALUE}).")
  long ioTimeout;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "256",
      description = "Connections served at once; more are closed (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(
      names = "--max-args",
      paramLabel = "N",
      defaultValue = "4096",
      description = "Most arguments a job may carry (default: ${DEFAULT-VALUE}).")
  int maxArgs;

  @Option(
      names = "--max-arg-length",
      paramLabel = "BYTES",
      defaultValue = "65536",
      description = "Longest single argument (default: ${DEFAULT-VALUE}).")
  int maxArgLength;

  @Option(
      names = "--max-source-size",
      paramLabel = "MB",
      defaultValue = "256",
      description = "Largest preprocessed source in MB (default: ${DEFAULT-VALUE}).")
  int maxSourceMb;

  @Option(
      names = "--job-dir",
      paramLabel = "DIR",
      description = "Where job directories are made (default: $TMPDIR or /tmp).")
  Path jobDir;

  @Option(
      names = "--log-file",
      paramLabel = "FILE",
      description = "Append the log here instead of stderr.")
  Path logFile;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "emerg, alert, crit, error, warning, notice (one line per job; the default),"
              + " info or debug. With --inetd and no --log-file: warning.")
  String logLevel;

  @Option(names = "--log-stderr", description = "Log to stderr (the default without --log-file).")
  boolean logStderr;

  @Option(names = "--verbose", description = "Same as --log-level debug.")
  boolean verbose;

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description = "Write the daemon's process id here (removed at exit).")
  Path pidFile;

  @Option(
      names = "--stats",
      description = "Serve stock distccd's statistics page (see --stats-port).")
  boolean stats;

  @Option(
      names = "--stats-port",
      paramLabel = "PORT",
      description = "Port of the statistics page (default: the compile port + 1000, e.g. 4636).")
  Integer statsPort;

  @Option(
      names = "--no-detach",
      description = "Accepted for stock compatibility: this daemon always stays in the foreground.")
  boolean noDetach;

  @Option(
      names = "--daemon",
      description = "Accepted for stock compatibility: standalone TCP mode (the default).")
  boolean daemonMode;

  @Option(
      names = "--inetd",
      description = {
        "Serve one client on stdin/stdout, then exit: what a client's 'DISTCC_HOSTS=@host'",
        "runs over SSH (ssh host COMMAND --inetd --enable-tcp-insecure). The allow-list does",
        "not apply to a client on pipes: sshd has authenticated it."
      })
  boolean inetd;

  @Option(
      names = "--auth",
      description = {
        "Require a Kerberos login (stock distcc's GSS-API ',auth'): the service principal comes",
        "from DISTCCD_PRINCIPAL (e.g. distccd@volunteer.example.org), its key from --keytab.",
        "Only the login is protected, not the job stream: use SSH for that."
      })
  boolean auth;

  @Option(
      names = "--keytab",
      paramLabel = "FILE",
      description =
          "The service's keytab for --auth (default: $KRB5_KTNAME, else /etc/krb5.keytab).")
  Path keytab;

  @Option(
      names = "--whitelist",
      paramLabel = "FILE",
      description = "With --auth: only these principals (one a line, without @REALM) may compile.")
  Path whitelist;

  @Option(
      names = "--blacklist",
      paramLabel = "FILE",
      description = "With --auth: every authenticated principal but these may compile.")
  Path blacklist;

  @Option(
      names = "--zeroconf",
      description = {
        "Announce this volunteer over mDNS for clients with DISTCC_HOSTS='+zeroconf': one",
        "record for each compiler name its target accepts, at its gcc's version (a client",
        "finds only volunteers whose compiler version equals its own). On the --listen",
        "address, or on every interface that does multicast."
      })
  boolean zeroconf;

  @Option(
      names = "--enable-tcp-insecure",
      description =
          "Accepted for stock compatibility (the SSH client passes it): this volunteer needs no"
              + " --allow to serve, and never runs a compiler outside its toolchain.")
  boolean tcpInsecure;

  @Override
  public Integer call() throws Exception {
    // in inetd mode stdout is the protocol: anything else printed there would derail the client
    OutputStream protocolOut = inetd ? new FileOutputStream(FileDescriptor.out) : null;
    if (inetd) {
      System.setOut(System.err);
    }
    if (inetd && (zeroconf || stats)) {
      throw new ExitException(
          ExitCode.BAD_ARGUMENTS,
          "--inetd serves one client on stdin/stdout and exits: --zeroconf and --stats are for a"
              + " volunteer that listens on a port");
    }
    preferVfork();
    configureLogging();
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    Toolchain target;
    try {
      target = catalog.get(toolchain);
    } catch (CatalogException e) {
      throw new ExitException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
    InstalledToolchain installed;
    try {
      installed = InstalledToolchain.detect(target);
    } catch (InstalledToolchain.ToolchainMissingException e) {
      throw new ExitException(ExitCode.COMPILER_MISSING, e.getMessage());
    }
    DaemonConfig config = config(installed);
    if (inetd) {
      new InetdVolunteer(config, catalog, DaemonCommand::jobLog)
          .serve(
              new FileInputStream(FileDescriptor.in), protocolOut, System.getenv("SSH_CONNECTION"));
      return ExitCode.OK;
    }
    Daemon daemon = new Daemon(config, catalog, summary -> jobLog(summary));
    try {
      daemon.start();
    } catch (BindException e) {
      throw new ExitException(
          ExitCode.BIND_FAILED,
          "cannot listen on "
              + (listen == null ? "port " : listen + ":")
              + config.port()
              + ": "
              + e.getMessage()
              + " (is another distccd or volunteer running there?)");
    }
    ZeroconfPublisher announcer = zeroconf ? announce(daemon, config) : null;
    writePidFile();
    log.info(
        "crossfarm volunteer for {} listening on {}:{}, {} slots, job root {}",
        installed.describe(),
        listen == null ? "*" : listen,
        daemon.port(),
        config.jobs(),
        config.jobRoot());
    if (daemon.statsPort() > 0) {
      log.info("statistics on port {}", daemon.statsPort());
    }
    log.info(
        "allowing {}{}",
        config.allow(),
        allow.isEmpty() && !allowPrivate ? " (loopback only: no --allow given)" : "");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (announcer != null) {
                    announcer.close(); // goodbyes first: clients stop choosing this volunteer
                  }
                  log.info("stopping: refusing new connections, letting running jobs finish");
                  daemon.shutdown(Duration.ofSeconds(jobLifetime + 5));
                  deletePidFile();
                  stopped.countDown();
                  // a stop asked for by SIGTERM and done cleanly is a success (exit 0, not the
                  // JVM's 143), as stock distccd's, so systemd and docker see a clean stop
                  Runtime.getRuntime().halt(ExitCode.OK);
                },
                "shutdown"));
    if (lifetime > 0) {
      Thread.sleep(Duration.ofSeconds(lifetime).toMillis());
      log.info("--lifetime of {}s reached", lifetime);
      return ExitCode.OK; // System.exit runs the shutdown hook
    }
    stopped.await();
    return ExitCode.OK;
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

  private static void jobLog(JobSummary summary) {
    LoggerFactory.getLogger("dcc_job_summary").info(summary.line());
  }

  private DaemonConfig config(InstalledToolchain installed) throws IOException {
    try {
      List<String> networks = new ArrayList<>(allow);
      if (allowPrivate) {
        networks.addAll(AccessList.PRIVATE);
      }
      if (networks.isEmpty()) {
        networks.addAll(AccessList.LOOPBACK);
      }
      Path root =
          (jobDir != null ? jobDir : Path.of(System.getProperty("java.io.tmpdir")))
              .resolve(
                  "crossfarm-"
                      + installed.toolchain().name()
                      + "-"
                      + ProcessHandle.current().pid());
      int compilePort = port != null ? port : installed.toolchain().port();
      return new DaemonConfig(
          installed,
          listenAddress(),
          compilePort,
          AccessList.parse(networks),
          jobs != null ? jobs : Runtime.getRuntime().availableProcessors() + 2,
          nice,
          Duration.ofSeconds(jobLifetime),
          Duration.ofSeconds(ioTimeout),
          maxConnections,
          new RequestLimits(maxArgs, maxArgLength, (long) maxSourceMb << 20),
          root,
          stats ? (statsPort != null ? statsPort : Toolchain.statsPortOf(compilePort)) : null,
          login());
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
  }

  private ZeroconfPublisher announce(Daemon daemon, DaemonConfig config) {
    try {
      List<InetAddress> addresses =
          config.listen() != null
              ? List.of(config.listen())
              : ZeroconfPublisher.multicastAddresses();
      ZeroconfPublisher publisher = ZeroconfPublisher.open(addresses, AdvertiseCommand.hostName());
      publisher.publish(
          Advert.of(
              config.toolchain(),
              daemon.port(),
              config.jobs(),
              Runtime.getRuntime().availableProcessors()));
      return publisher;
    } catch (IOException e) {
      daemon.shutdown(Duration.ZERO);
      throw new ExitException(ExitCode.BAD_ARGUMENTS, "--zeroconf: " + e.getMessage());
    }
  }

  /** The --auth login, set up once: the keytab's keys, the list, krb5.conf from KRB5_CONFIG. */
  private GssAuthenticator login() {
    if (!auth) {
      if (whitelist != null || blacklist != null || keytab != null) {
        throw new IllegalArgumentException("--whitelist, --blacklist and --keytab go with --auth");
      }
      return null;
    }
    if (whitelist != null && blacklist != null) {
      throw new IllegalArgumentException("give --whitelist or --blacklist, not both");
    }
    String krb5Conf = System.getenv("KRB5_CONFIG");
    if (krb5Conf != null && System.getProperty("java.security.krb5.conf") == null) {
      // MIT's variable; the JDK reads only its own property
      System.setProperty("java.security.krb5.conf", krb5Conf.split(":")[0]);
    }
    PrincipalList list;
    try {
      list =
          whitelist != null
              ? PrincipalList.read(PrincipalList.Kind.WHITELIST, whitelist)
              : blacklist != null
                  ? PrincipalList.read(PrincipalList.Kind.BLACKLIST, blacklist)
                  : null;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the principal list "
              + (whitelist != null ? whitelist : blacklist)
              + ": "
              + e);
    }
    try {
      return GssAuthenticator.login(System.getenv("DISTCCD_PRINCIPAL"), keytabPath(), list);
    } catch (GssAuthenticator.AuthException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private Path keytabPath() {
    if (keytab != null) {
      return keytab;
    }
    String fromEnv = System.getenv("KRB5_KTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv.startsWith("FILE:") ? fromEnv.substring(5) : fromEnv);
    }
    return Path.of("/etc/krb5.keytab");
  }

  private InetAddress listenAddress() {
    if (listen == null) {
      return null;
    }
    if (!listen.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("--listen takes an IP address, not '" + listen + "'");
    }
    try {
      return InetAddress.getByName(listen);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--listen: '" + listen + "' is not an IP address");
    }
  }

  private void configureLogging() throws IOException {
    Level level;
    try {
      String named = logLevel != null ? logLevel : inetd && logFile == null ? "warning" : "notice";
      level = verbose ? Level.FINEST : DaemonLogging.level(named);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
    try {
      DaemonLogging.configure(logStderr ? null : logFile, level);
    } catch (IOException e) {
      throw new ExitException(
          ExitCode.BAD_ARGUMENTS, "cannot open --log-file " + logFile + ": " + e.getMessage());
    }
  }

  private void writePidFile() throws IOException {
    if (pidFile != null) {
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    }
  }

  private void deletePidFile() {
    if (pidFile != null) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException ignored) {
        // the daemon is going away; a stale pid file names a dead process
      }
    }
  }
}
