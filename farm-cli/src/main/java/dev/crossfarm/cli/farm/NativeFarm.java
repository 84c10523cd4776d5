package dev.crossfarm.cli.farm;

import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The farm without a Docker engine: each volunteer is a {@code farm daemon} process of this
 * machine, detached into its own session ({@code setsid}) so it outlives {@code farm up} and a
 * terminal's Ctrl-C, with its pid file, log and spec in a state directory that {@code farm
 * down|status|hosts} read.
 */
public final class NativeFarm {

  private static final String ADVERTISER = "advertise";

  private final Path stateDir;
  private final List<String> farmCommand;

  /**
   * @param farmCommand how to run this farm command again ({@code java -jar .../farm.jar})
   */
  public NativeFarm(Path stateDir, List<String> farmCommand) {
    this.stateDir = stateDir;
    this.farmCommand = List.copyOf(farmCommand);
  }

  /** {@code $XDG_STATE_HOME/crossfarm} or {@code ~/.local/state/crossfarm}. */
  /** The Unix socket a native volunteer of {@code target} takes relayed SSH jobs on. */
  public static Path relaySocket(Path stateDir, String target) {
    return stateDir.resolve(target + ".sock");
  }

  public static Path defaultStateDir() {
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("crossfarm");
  }

  /**
   * Starts the volunteer of {@code spec} unless one with the same settings runs; true if started.
   */
  public boolean up(VolunteerSpec spec) throws IOException {
    Files.createDirectories(stateDir);
    String digest = spec.digest("native");
    Optional<ProcessHandle> running = running(spec.target());
    if (running.isPresent()) {
      if (digest.equals(read(specFile(spec.target())))) {
        return false;
      }
      stop(running.get());
    }
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(farmCommand);
    command.addAll(List.of("daemon", "--toolchain", spec.target()));
    Path jobs = Files.createDirectories(stateDir.resolve("jobs"));
    command.addAll(spec.daemonArguments(spec.port(), jobs.toString()));
    if (spec.listen() != null) {
      command.addAll(List.of("--listen", spec.listen()));
    }
    command.addAll(List.of("--pid-file", pidFile(spec.target()).toString()));
    // where 'farm ssh-commands' relays SSH clients' jobs, whatever the allow-list says
    command.addAll(List.of("--relay-socket", relaySocket(stateDir, spec.target()).toString()));
    command.addAll(List.of("--log-file", logFile(spec.target()).toString()));
    Files.writeString(specFile(spec.target()), digest + "\n");
    Files.deleteIfExists(pidFile(spec.target()));
    ProcessBuilder daemon =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(spec.target()).toFile()))
            .redirectErrorStream(true);
    if (spec.auth() != null) {
      daemon.environment().putAll(spec.environment(spec.auth().krb5Conf()));
    }
    daemon.start();
    return true;
  }

  /**
   * Starts {@code farm advertise} in the background unless it runs: the host's mDNS announcer for
   * container volunteers. True if started.
   */
  public boolean startAdvertiser(List<String> addresses) throws IOException {
    Files.createDirectories(stateDir);
    if (advertiser().isPresent()) {
      return false;
    }
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(farmCommand);
    command.addAll(
        List.of("advertise", "--pid-file", stateDir.resolve(ADVERTISER + ".pid").toString()));
    for (String a : addresses) {
      command.addAll(List.of("--address", a));
    }
    new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(ADVERTISER).toFile()))
        .redirectErrorStream(true)
        .start();
    return true;
  }

  /** The running {@code farm advertise}, from its pid file. */
  public Optional<ProcessHandle> advertiser() {
    try {
      long pid = Long.parseLong(read(stateDir.resolve(ADVERTISER + ".pid")));
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p -> p.info().arguments().map(a -> List.of(a).contains("advertise")).orElse(true));
    } catch (NumberFormatException | IOException e) {
      return Optional.empty();
    }
  }

  /** Stops {@code farm advertise} (its records are withdrawn); true if it ran. */
  public boolean stopAdvertiser() {
    Optional<ProcessHandle> p = advertiser();
    p.ifPresent(NativeFarm::stop);
    return p.isPresent();
  }

  /** Volunteers with a live process, from their pid files. */
  public List<Volunteer> list(ToolchainCatalog catalog) throws IOException {
    List<Volunteer> all = new ArrayList<>();
    if (!Files.isDirectory(stateDir)) {
      return all;
    }
    try (Stream<Path> files = Files.list(stateDir)) {
      for (Path pid : files.filter(NativeFarm::isVolunteerPid).sorted().toList()) {
        String target = pid.getFileName().toString().replace(".pid", "");
        Optional<Toolchain> toolchain = catalog.find(target);
        Optional<ProcessHandle> process = running(target);
        if (toolchain.isEmpty()) {
          continue;
        }
        int port =
            argument(process, "--port").map(Integer::parseInt).orElse(toolchain.get().port());
        int jobs = argument(process, "--jobs").map(Integer::parseInt).orElse(0);
        String version;
        try {
          version = InstalledToolchain.detect(toolchain.get()).version();
        } catch (InstalledToolchain.ToolchainMissingException e) {
          version = null;
        }
        all.add(
            new Volunteer(
                target,
                PlaceKind.NATIVE,
                process.map(p -> Long.toString(p.pid())).orElse("-"),
                "(this machine)",
                version,
                argument(process, "--listen").orElse("127.0.0.1"),
                port,
                Toolchain.statsPortOf(port),
                jobs,
                process.isPresent() ? "running" : "gone",
                flag(process, "--auth"),
                flag(process, "--zeroconf")));
      }
    }
    return all;
  }

  /** Stops every native volunteer; returns how many were running. */
  public int down() throws IOException {
    int stopped = 0;
    if (!Files.isDirectory(stateDir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(stateDir)) {
      for (Path pid : files.filter(NativeFarm::isVolunteerPid).toList()) {
        Optional<ProcessHandle> p = running(pid.getFileName().toString().replace(".pid", ""));
        if (p.isPresent()) {
          stop(p.get());
          stopped++;
        }
        Files.deleteIfExists(pid);
      }
    }
    return stopped;
  }

  private static boolean isVolunteerPid(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".pid") && !name.equals(ADVERTISER + ".pid");
  }

  public Path logFile(String target) {
    return stateDir.resolve(target + ".log");
  }

  private Path pidFile(String target) {
    return stateDir.resolve(target + ".pid");
  }

  private Path specFile(String target) {
    return stateDir.resolve(target + ".spec");
  }

  /** The live daemon of {@code target}: its pid file names a farm daemon process still running. */
  Optional<ProcessHandle> running(String target) {
    try {
      long pid = Long.parseLong(read(pidFile(target)));
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().arguments().map(a -> List.of(a).contains("daemon")).orElse(true));
    } catch (NumberFormatException | IOException e) {
      return Optional.empty();
    }
  }

  private static boolean flag(Optional<ProcessHandle> p, String option) {
    return p.flatMap(h -> h.info().arguments()).map(a -> List.of(a).contains(option)).orElse(false);
  }

  private static Optional<String> argument(Optional<ProcessHandle> p, String option) {
    List<String> args = p.flatMap(h -> h.info().arguments()).map(List::of).orElse(List.of());
    int i = args.indexOf(option);
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }

  private static void stop(ProcessHandle p) {
    p.destroy(); // SIGTERM: running jobs finish, new connections are refused
    try {
      p.onExit().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file).trim() : "";
  }
}
