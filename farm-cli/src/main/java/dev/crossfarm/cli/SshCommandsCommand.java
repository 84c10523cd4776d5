package dev.crossfarm.cli;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.generate.ArtefactWriter;
import dev.crossfarm.cli.generate.SshCommands;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm ssh-commands}: the commands SSH clients name in their host specs. */
@Command(
    name = "ssh-commands",
    header = "Install the commands that SSH clients name in DISTCC_HOSTS='@host:CMD'.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write one command per target (farm-ARCH) on this volunteer host. A client that reaches",
      "this machine over SSH names it in its host spec, with no TCP port open to it:",
      "  DISTCC_HOSTS='@builder/4:/usr/local/bin/farm-aarch64,lzo'",
      "The command relays the job to the volunteer's port on this host with bash alone: no JVM",
      "and no 'docker exec' per job. When no volunteer answers it starts one for the job",
      "('farm daemon --inetd', or 'docker exec -i' into the container).",
      "",
      "It also writes farm-ssh, for clients (copy it to them): DISTCC_SSH=farm-ssh with",
      "DISTCC_HOSTS='@builder/4:crossfarm-3636,lzo' opens an SSH stdio channel straight to the",
      "volunteer's port (ssh -W), so nothing runs on the volunteer host per job.",
      "'farm hosts --ssh' prints the clients' lines for both."
    })
final class SshCommandsCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARCH", arity = "1..*", description = "x86_64, armv7h, aarch64")
  List<String> targets;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "/usr/local/bin",
      description = "Where (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description =
          "The volunteer's TCP port on this host that the commands relay to (default: the"
              + " target's, e.g. 3636; give it with one ARCH).")
  Integer port;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description =
          "The volunteer's relay socket ('farm daemon --relay-socket'), tried before the port"
              + " (default for native volunteers: the one 'farm up --native' gives them).")
  Path socket;

  @Option(
      names = "--engine",
      paramLabel = "KIND",
      description = "docker or native (default: docker when an engine answers, else native).")
  String engine;

  @Option(
      names = "--farm",
      paramLabel = "PATH",
      description = "The farm launcher native commands run (default: this one).")
  String farm;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Print the commands instead of writing them.")
  boolean dryRun;

  @Override
  public Integer call() throws IOException {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    if (port != null && targets.size() != 1) {
      throw new ExitException(Farm.USAGE, "--port goes with exactly one ARCH");
    }
    SshCommands.Engine kind = kind();
    SshCommands commands = new SshCommands(kind, Farm.launcher(farm));
    ArtefactWriter writer = new ArtefactWriter(Clock.systemUTC());
    for (String t : targets) {
      Toolchain toolchain = ImageCommand.toolchain(catalog, t);
      Path file = dir.resolve(SshCommands.fileName(toolchain)).toAbsolutePath();
      write(
          writer,
          file,
          commands.script(
              toolchain,
              file,
              port != null ? port : toolchain.port(),
              socket != null
                  ? socket
                  : kind == SshCommands.Engine.NATIVE
                      ? NativeFarm.relaySocket(NativeFarm.defaultStateDir(), toolchain.name())
                      : null));
    }
    write(
        writer,
        dir.resolve(SshCommands.CLIENT_WRAPPER).toAbsolutePath(),
        SshCommands.clientWrapper());
    if (!dryRun) {
      Farm.progress("clients: see 'farm hosts --ssh' for their DISTCC_HOSTS line");
    }
    return 0;
  }

  private void write(ArtefactWriter writer, Path file, String script) throws IOException {
    if (dryRun) {
      System.out.println("# " + file);
      System.out.print(script);
      return;
    }
    Optional<Path> backup = writer.write(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    System.out.println(
        "wrote " + file + backup.map(b -> " (the old one is kept as " + b + ")").orElse(""));
  }

  private SshCommands.Engine kind() {
    if (engine == null) {
      Optional<Engine> docker = Engine.connect();
      docker.ifPresent(Engine::close);
      return docker.isPresent() ? SshCommands.Engine.DOCKER : SshCommands.Engine.NATIVE;
    }
    try {
      return SshCommands.Engine.valueOf(engine.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ExitException(Farm.USAGE, "--engine takes docker or native, not '" + engine + "'");
    }
  }
}
