package dev.crossfarm.cli;

import dev.crossfarm.daemon.ExitCode;
import java.io.IOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code farm} command: one subcommand class per verb. */
@Command(
    name = "farm",
    mixinStandardHelpOptions = true,
    versionProvider = Farm.Version.class,
    description = {
      "crossfarm: turn spare machines into a distcc cross-compilation farm.",
      "",
      "Volunteers run one daemon per target architecture (x86_64, armv7h, aarch64), each with",
      "that target's cross compiler; clients keep using the stock distcc they already have."
    },
    subcommands = {
      UpCommand.class,
      SystemdCommand.class,
      ComposeCommand.class,
      SymlinksCommand.class,
      SshCommandsCommand.class,
      CheckFlagsCommand.class,
      MakepkgCommand.class,
      DownCommand.class,
      StatusCommand.class,
      TopCommand.class,
      CacheCommand.class,
      DoctorCommand.class,
      LogsCommand.class,
      HostsCommand.class,
      AdvertiseCommand.class,
      NodeCommand.class,
      ImageCommand.class,
      DaemonCommand.class,
      FrontCommand.class,
      HealthCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Farm {

  /** Exit code of a command that could not do its work (the message says why). */
  static final int FAILURE = 1;

  /** Exit code of a command line that does not parse (picocli's convention). */
  static final int USAGE = 2;

  /** Exit code for an unexpected failure (a bug): the message asks for --verbose. */
  static final int INTERNAL_ERROR = 70;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code; tests call this instead of main. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Farm());
    cli.setUsageHelpWidth(100); // descriptions are written to 100 columns
    cli.setParameterExceptionHandler(
        (e, a) -> {
          CommandLine cmd = e.getCommandLine();
          cmd.getErr().println("farm: " + e.getMessage());
          cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
          // farm daemon keeps stock distccd's 101 for a bad option; other verbs use 2
          return cmd.getCommandName().equals("daemon") ? ExitCode.BAD_ARGUMENTS : USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, cmd, parseResult) -> {
          if (e instanceof ExitException exit) {
            cmd.getErr().println("farm: " + exit.getMessage());
            if (verbose(args) && exit.getCause() != null) {
              exit.getCause().printStackTrace(cmd.getErr());
            }
            return exit.code();
          }
          cmd.getErr().println("farm: unexpected error: " + e);
          if (verbose(args)) {
            e.printStackTrace(cmd.getErr());
          } else {
            cmd.getErr().println("Run again with --verbose for details.");
          }
          return INTERNAL_ERROR;
        });
    return cli.execute(args);
  }

  private static boolean verbose(String[] args) {
    for (String a : args) {
      if (a.equals("--verbose") || a.equals("-v")) {
        return true;
      }
    }
    return false;
  }

  /** The project version, from version.properties (filtered by Maven at build time). */
  static String version() {
    try (var in = Farm.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the build left out version.properties", e);
    }
  }

  /**
   * The farm launcher that generated units and commands run: the one given, else the one running
   * now (./farm exports FARM_LAUNCHER), else /usr/local/bin/farm.
   */
  static String launcher(String given) {
    return given != null
        ? given
        : System.getenv().getOrDefault("FARM_LAUNCHER", "/usr/local/bin/farm");
  }

  /** Progress of long work, for people: to stderr, so stdout stays parseable. */
  static void progress(String line) {
    System.err.println("farm: " + line);
  }

  /** picocli's --version: the same version.properties. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"crossfarm " + version()};
    }
  }
}
