package dev.crossfarm.cli;

import dev.crossfarm.cli.docker.Engine;
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
      "For container volunteers ('farm up') the command enters the running container with",
      "'docker exec -i' (the SSH account needs the docker group); for native ones it runs",
      "'farm daemon --inetd'. 'farm hosts --ssh' prints the clients' lines."
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
    SshCommands commands = new SshCommands(kind(), Farm.launcher(farm));
    ArtefactWriter writer = new ArtefactWriter(Clock.systemUTC());
    for (String t : targets) {
      Toolchain toolchain = ImageCommand.toolchain(catalog, t);
      Path file = dir.resolve(SshCommands.fileName(toolchain)).toAbsolutePath();
      String script = commands.script(toolchain, file);
      if (dryRun) {
        System.out.println("# " + file);
        System.out.print(script);
        continue;
      }
      Optional<Path> backup = writer.write(file, script);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      System.out.println(
          "wrote " + file + backup.map(b -> " (the old one is kept as " + b + ")").orElse(""));
    }
    if (!dryRun) {
      Farm.progress("clients: see 'farm hosts --ssh' for their DISTCC_HOSTS line");
    }
    return 0;
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
