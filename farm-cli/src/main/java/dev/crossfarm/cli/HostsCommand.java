package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.HostsAdvice;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.generate.SshCommands;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm hosts}: what a client writes to use the running farm. */
@Command(
    name = "hosts",
    header = "Print what clients write (DISTCC_HOSTS, MAKEFLAGS) to use the farm.",
    mixinStandardHelpOptions = true,
    description = {
      "Print the DISTCC_HOSTS line of each target of the running farm, with MAKEFLAGS advice:",
      "twice the slots for makepkg; -jN -lM for Portage (N = 2 x slots + 1, M = local cores)."
    })
final class HostsCommand implements Callable<Integer> {

  @Option(
      names = "--for",
      paramLabel = "CLIENT",
      defaultValue = "shell",
      description = "makepkg, portage or shell (default: ${DEFAULT-VALUE}).")
  String client;

  @Option(names = "--pump", description = "Pump mode (,cpp,lzo); plain ',lzo' otherwise.")
  boolean pump;

  @Option(names = "--plain", description = "Protocol 1 (no compression): for debugging.")
  boolean plain;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "The name clients reach this machine by (default: its host name).")
  String host;

  @Option(
      names = "--ssh",
      description =
          "Over SSH: '@HOST/N:DIR/farm-ARCH' entries, through the commands of 'farm ssh-commands'.")
  boolean ssh;

  @Option(
      names = "--ssh-dir",
      paramLabel = "DIR",
      defaultValue = "/usr/local/bin",
      description = "Where 'farm ssh-commands' put them (default: ${DEFAULT-VALUE}).")
  Path sshDir;

  @Option(
      names = "--local-cores",
      paramLabel = "N",
      description = "The client's cores, for Portage's -l (default: this machine's).")
  Integer localCores;

  @Override
  public Integer call() {
    HostsAdvice.Client kind;
    try {
      kind = HostsAdvice.Client.valueOf(client.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ExitException(
          Farm.USAGE, "--for takes makepkg, portage or shell, not '" + client + "'");
    }
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    try (FarmView farm = FarmView.open()) {
      List<Volunteer> volunteers = farm.volunteers(catalog);
      Map<String, String> lines =
          HostsAdvice.hostsByTarget(
              volunteers,
              host != null ? host : thisHost(),
              pump ? ",cpp,lzo" : plain ? "" : ",lzo",
              ssh ? HostsAdvice.Entry.ssh(sshDir) : HostsAdvice.Entry.TCP);
      if (lines.isEmpty()) {
        throw new ExitException(Farm.FAILURE, "no running volunteers (start them with 'farm up')");
      }
      int cores = localCores != null ? localCores : Runtime.getRuntime().availableProcessors();
      lines.forEach(
          (target, line) -> {
            System.out.println("# " + target + " clients");
            HostsAdvice.advice(line, HostsAdvice.slots(volunteers, target), kind, cores)
                .forEach(System.out::println);
          });
      if (ssh) {
        // the fast path: the same volunteers through an SSH stdio channel to their ports
        Map<String, String> channel =
            HostsAdvice.hostsByTarget(
                volunteers,
                host != null ? host : thisHost(),
                pump ? ",cpp,lzo" : plain ? "" : ",lzo",
                HostsAdvice.Entry.SSH_CHANNEL);
        channel.forEach(
            (target, line) -> {
              System.out.println(
                  "# "
                      + target
                      + " clients, faster: nothing runs on the volunteer host per job (copy "
                      + sshDir.resolve(SshCommands.CLIENT_WRAPPER)
                      + " to the client)");
              System.out.println("export DISTCC_SSH=" + sshDir.resolve(SshCommands.CLIENT_WRAPPER));
              HostsAdvice.advice(line, HostsAdvice.slots(volunteers, target), kind, cores)
                  .forEach(System.out::println);
            });
      }
    }
    return 0;
  }

  /** This machine's host name, as clients on the LAN would use it. */
  static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
