package dev.crossfarm.cli;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.run.StartupException;
import dev.crossfarm.daemon.run.VolunteerOptions;
import dev.crossfarm.daemon.run.VolunteerProcess;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code farm daemon}: the volunteer in the foreground, with stock distccd's option names, so a
 * distccd command line or a {@code DISTCC_ARGS} value works unchanged. It only maps the options;
 * {@link VolunteerProcess} runs the volunteer.
 */
@Command(
    name = "daemon",
    header = "Run a volunteer in the foreground (stock distccd options).",
    sortOptions = false,
    description = {
      "Run a volunteer: a distccd-compatible compile server for one target architecture.",
      "",
      "Stock distcc clients (plain, ',lzo' and ',cpp,lzo' pump) send it compile jobs. It runs only the",
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

  @Option(
      names = "--toolchain",
      paramLabel = "ARCH",
      description = "Target to compile for: x86_64, armv7h or aarch64 (alias armv8). Required.")
  String toolchain;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      description =
          "Print the version as stock distccd does (distccd VERSION TARGET, then the protocols),"
              + " TARGET being the --toolchain's triple or this machine's, and exit.")
  boolean version;

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
      names = "--stats-allow",
      paramLabel = "IP[/BITS]",
      arity = "1..*",
      description = {
        "Let these addresses or networks read the statistics page too (repeatable), e.g. a",
        "Prometheus server: they may not compile. Others outside --allow get 403 and no data."
      })
  List<String> statsAllow = new ArrayList<>();

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
      names = "--cache-dir",
      paramLabel = "DIR",
      description = {
        "Keep every successful plain job's result here and answer the same job again from it,",
        "at once and without a compile slot (default: $XDG_CACHE_HOME/crossfarm/results, or",
        "~/.cache/crossfarm/results). Volunteers may share one directory. Pump jobs are not cached."
      })
  Path cacheDir;

  @Option(
      names = "--cache-size",
      paramLabel = "SIZE",
      defaultValue = "2g",
      description =
          "Bound of the files in --cache-dir, with a k, m or g suffix (default: ${DEFAULT-VALUE});"
              + " the least recently used entries go first.")
  String cacheSize;

  @Option(names = "--no-cache", description = "Compile every job: no result cache.")
  boolean noCache;

  @Option(
      names = "--version-drift",
      paramLabel = "warn|refuse",
      defaultValue = "refuse",
      description = {
        "What a job preprocessed by another gcc major version than this volunteer's gets (its",
        "line markers name the client's compiler headers): refuse (default) sends it back with",
        "both versions named, and the client compiles it locally, as its own gcc would; warn",
        "compiles it here anyway (the object then differs from a local build) and counts it."
      })
  String versionDrift;

  @Option(
      names = "--locale",
      paramLabel = "NAME",
      defaultValue = "C.UTF-8",
      description = {
        "The compilers' LANG (default: ${DEFAULT-VALUE}): their warnings and errors then quote",
        "as a UTF-8 client's own compile does (‘x’ rather than 'x')."
      })
  String locale;

  @Option(
      names = "--relay-socket",
      paramLabel = "PATH",
      description = {
        "Also take jobs on this Unix socket (mode 0660: this user and its group): the relay of",
        "'farm ssh-commands' hands SSH clients' jobs to it. sshd let those clients in, so",
        "--allow does not apply to them, as with --inetd."
      })
  Path relaySocket;

  @Option(
      names = "--enable-tcp-insecure",
      description =
          "Accepted for stock compatibility (the SSH client passes it): this volunteer needs no"
              + " --allow to serve, and never runs a compiler outside its toolchain.")
  boolean tcpInsecure;

  /**
   * Stock distccd's {@code --version}, whose first line tools parse: {@code distccd 3.4
   * x86_64-pc-linux-gnu}, then the protocols and the default port.
   */
  static String versionText(String toolchain) {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    Toolchain t = toolchain != null ? catalog.get(toolchain) : thisMachine(catalog);
    return "distccd "
        + Farm.version()
        + "-crossfarm "
        + (t != null ? t.triples().get(0) : System.getProperty("os.arch") + "-linux-gnu")
        + "\n  (protocols 1, 2 and 3) (default port "
        + (t != null ? t.port() : 3632)
        + ")\n  crossfarm's volunteer"
        + (t != null ? " for " + t.name() : "")
        + ": the compilers of its toolchain only, every object checked\n";
  }

  /** The catalog's target this JVM runs on, or null. */
  private static Toolchain thisMachine(ToolchainCatalog catalog) {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64" -> "aarch64";
          case "arm" -> "armv7h";
          default -> null;
        };
    return arch == null ? null : catalog.find(arch).orElse(null);
  }

  @Override
  public Integer call() throws Exception {
    if (version) {
      System.out.print(versionText(toolchain));
      return 0;
    }
    if (toolchain == null) {
      // stock distccd's code for a bad command line
      throw new ExitException(
          ExitCode.BAD_ARGUMENTS,
          "Missing required option: '--toolchain=ARCH' (x86_64, armv7h or aarch64);"
              + " see farm daemon --help");
    }
    VolunteerOptions options =
        new VolunteerOptions(
            toolchain,
            port,
            listen,
            allow,
            allowPrivate,
            jobs,
            nice,
            jobLifetime,
            lifetime,
            ioTimeout,
            maxConnections,
            maxArgs,
            maxArgLength,
            maxSourceMb,
            jobDir,
            logFile,
            logLevel,
            logStderr,
            verbose,
            pidFile,
            stats,
            statsPort,
            statsAllow,
            inetd,
            auth,
            keytab,
            whitelist,
            blacklist,
            zeroconf,
            noCache ? null : cacheDir != null ? cacheDir : VolunteerOptions.defaultCacheDir(),
            cacheSize,
            versionDrift,
            locale,
            relaySocket);
    try {
      return new VolunteerProcess(options).run();
    } catch (StartupException e) {
      throw new ExitException(e.exitCode(), e.getMessage());
    }
  }
}
