package dev.crossfarm.cli;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.log.DistccdLog;
import dev.crossfarm.daemon.protocol.RequestLimits;
import dev.crossfarm.daemon.run.ServerAddresses;
import dev.crossfarm.daemon.run.StartupException;
import dev.crossfarm.daemon.server.AccessList;
import dev.crossfarm.front.FrontConfig;
import dev.crossfarm.front.FrontProcess;
import dev.crossfarm.front.VolunteerAddress;
import dev.crossfarm.toolchain.CatalogException;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code farm front}: one address for all the volunteers of one target. It only maps the options;
 * {@link FrontProcess} runs the front.
 */
@Command(
    name = "front",
    header = "Run a front: one address that places each job on the best volunteer of a target.",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Run a front for the volunteers of one target. Stock distcc clients name it as one host with",
      "many slots; it reads each job as a volunteer would (refusing what a volunteer refuses),",
      "sends it to the volunteer that has its result cached, or else to the one with a free slot",
      "that has been fastest, keeps jobs in a queue instead of refusing them when every slot is",
      "busy, and sends a job again to another volunteer when one dies, stalls or answers garbage.",
      "Each volunteer's slots and gcc version come from its stats port (its --stats).",
      "",
      "Example: farm front --toolchain aarch64 --port 3636 --allow 192.168.1.0/24 \\",
      "           --volunteer 192.168.1.10:3636 --volunteer 192.168.1.11:3636",
      "Client:  DISTCC_HOSTS='front:3636/32,lzo' make -j32 CC='distcc aarch64-linux-gnu-gcc'"
    },
    footer = {"", "Exit codes (as stock distccd): 101 bad option, 102 port in use."})
final class FrontCommand implements Callable<Integer> {

  @Option(
      names = "--toolchain",
      paramLabel = "ARCH",
      required = true,
      description = "Target of the volunteers: x86_64, armv7h or aarch64 (alias armv8).")
  String toolchain;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "TCP port for clients (default: the target's, x86_64 3632, armv7h 3635, ...).")
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
          "Accept clients from this address or network (repeatable). Without --allow and"
              + " --allow-private only this machine (loopback) is accepted.")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--allow-private",
      description =
          "Accept private networks: 10/8, 172.16/12, 192.168/16, 127/8, fe80::/10, fc00::/7, ::1.")
  boolean allowPrivate;

  @Option(
      names = "--volunteer",
      paramLabel = "HOST:PORT[/STATSPORT]",
      description = {
        "A volunteer of the target (repeatable). Its stats port (default: its port + 1000) must",
        "answer: the front reads its slots and compiler from /status.json every second, and",
        "sends it nothing while it does not answer."
      })
  List<String> volunteers = new ArrayList<>();

  @Option(
      names = "--volunteers-dns",
      paramLabel = "NAME:PORT[/STATSPORT]",
      description = {
        "A name whose every address is a volunteer, looked up again every second (repeatable):",
        "on Swarm, tasks.SERVICE gives one address per running volunteer, so nodes that join",
        "or leave are followed. farm up --swarm --front uses it."
      })
  List<String> volunteerNames = new ArrayList<>();

  @Option(names = "--stats", description = "Serve the front's statistics (see --stats-port).")
  boolean stats;

  @Option(
      names = "--stats-port",
      paramLabel = "PORT",
      description =
          "Port of /metrics, /status.json and /dashboard (default: the front's port + 1000).")
  Integer statsPort;

  @Option(
      names = "--stats-allow",
      paramLabel = "IP[/BITS]",
      description = "Let these read the statistics too, never compile (repeatable).")
  List<String> statsAllow = new ArrayList<>();

  @Option(
      names = "--queue-timeout",
      paramLabel = "SECONDS",
      defaultValue = "240",
      description = {
        "Longest a job waits for a free slot before it is sent back to compile on its client",
        "(default: ${DEFAULT-VALUE}; under stock distcc's 300 s I/O time-out)."
      })
  long queueTimeout;

  @Option(
      names = "--volunteer-timeout",
      paramLabel = "SECONDS",
      defaultValue = "240",
      description = {
        "Longest a volunteer may stay silent, its compile included, before its job goes to",
        "another (default: ${DEFAULT-VALUE}). A volunteer that stops answering its stats port",
        "loses its jobs within a few seconds, whatever this is."
      })
  long volunteerTimeout;

  @Option(
      names = "--io-timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description = "Drop a client that stops sending its request (default: ${DEFAULT-VALUE}).")
  long ioTimeout;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "512",
      description = {
        "Clients served at once (default: ${DEFAULT-VALUE}); more wait to be accepted, never",
        "refused."
      })
  int maxConnections;

  @Option(
      names = "--max-args",
      paramLabel = "N",
      defaultValue = "4096",
      description =
          "Most arguments a job may carry, as the volunteers' (default: ${DEFAULT-VALUE}).")
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
      names = "--spool-dir",
      paramLabel = "DIR",
      description = {
        "Where requests and replies over 256 kB wait while in flight",
        "(default: $TMPDIR/crossfarm-front-PORT)."
      })
  Path spoolDir;

  @Option(
      names = "--log-file",
      paramLabel = "FILE",
      description = "Append the log here instead of stderr.")
  Path logFile;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "notice",
      description = "error, warning, notice (one line per job; the default), info or debug.")
  String logLevel;

  @Override
  public Integer call() throws IOException, InterruptedException {
    FrontConfig config = config();
    try {
      Level level = DistccdLog.level(logLevel);
      DistccdLog.configure(logFile, level);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    } catch (IOException e) {
      throw new ExitException(
          ExitCode.BAD_ARGUMENTS, "cannot open --log-file " + logFile + ": " + e.getMessage());
    }
    try {
      return new FrontProcess(config).run();
    } catch (StartupException e) {
      throw new ExitException(e.exitCode(), e.getMessage());
    }
  }

  private FrontConfig config() {
    try {
      Toolchain target = ToolchainCatalog.builtIn().get(toolchain);
      int clientPort = port != null ? port : target.port();
      return new FrontConfig(
          target,
          ServerAddresses.listen(listen),
          clientPort,
          AccessList.parse(ServerAddresses.clients(allow, allowPrivate)),
          new RequestLimits(maxArgs, maxArgLength, (long) maxSourceMb << 20),
          Duration.ofSeconds(ioTimeout),
          volunteers.stream().map(VolunteerAddress::parse).toList(),
          volunteerNames.stream().map(VolunteerAddress::parse).toList(),
          stats ? (statsPort != null ? statsPort : Toolchain.statsPortOf(clientPort)) : null,
          AccessList.parse(statsAllow),
          Duration.ofSeconds(queueTimeout),
          Duration.ofSeconds(volunteerTimeout),
          Duration.ofSeconds(1),
          maxConnections,
          spoolDir != null
              ? spoolDir
              : Path.of(System.getProperty("java.io.tmpdir"), "crossfarm-front-" + clientPort));
    } catch (CatalogException | IllegalArgumentException e) {
      throw new ExitException(ExitCode.BAD_ARGUMENTS, e.getMessage());
    }
  }
}
