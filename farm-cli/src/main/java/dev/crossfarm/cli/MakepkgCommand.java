package dev.crossfarm.cli;

import dev.crossfarm.cli.farm.HostsAdvice;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.flags.NativeFlags;
import dev.crossfarm.cli.flags.ShellAssignments;
import dev.crossfarm.cli.generate.ArtefactWriter;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code farm makepkg}: turn distcc on in a makepkg.conf for this farm. */
@Command(
    name = "makepkg",
    header = "Enable distcc for this farm in an Arch Linux makepkg.conf.",
    mixinStandardHelpOptions = true,
    description = {
      "Enable distcc in an Arch Linux makepkg.conf: 'distcc' in BUILDENV, DISTCC_HOSTS naming",
      "the farm's volunteers for the conf's CARCH (most slots first, with /N limits), MAKEFLAGS",
      "at twice the slots. Refuses while -march=native is set (see farm check-flags). Keeps a",
      "backup; running it again changes nothing."
    })
final class MakepkgCommand implements Callable<Integer> {

  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "/etc/makepkg.conf",
      description = "Default: ${DEFAULT-VALUE}.")
  Path conf;

  @Option(
      names = "--hosts",
      paramLabel = "LINE",
      description = "DISTCC_HOSTS to write (default: the running farm's volunteers for CARCH).")
  String hosts;

  @Option(
      names = "--host",
      paramLabel = "NAME",
      description = "The name clients reach the farm by (default: this machine's host name).")
  String host;

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(conf)) {
      throw new ExitException(Farm.FAILURE, conf + ": no such file");
    }
    List<NativeFlags.Finding> natives = CheckFlagsCommand.check(conf);
    if (!natives.isEmpty()) {
      natives.forEach(f -> System.out.println(f.describe()));
      throw new ExitException(
          Farm.FAILURE,
          "not enabling distcc while native CPU flags are set: volunteers would build for their own CPU."
              + " Run 'farm check-flags --fix "
              + conf
              + "' on this client first.");
    }
    String text = Files.readString(conf);
    String carch =
        ShellAssignments.parse(text, System.getenv()).stream()
            .filter(a -> a.name().equals("CARCH"))
            .map(ShellAssignments.Assignment::value)
            .findFirst()
            .orElse(null);
    String line = hosts;
    int slots;
    if (line == null) {
      if (carch == null) {
        throw new ExitException(
            Farm.FAILURE, conf + " sets no CARCH: give the volunteers with --hosts");
      }
      String target = ImageCommand.toolchain(ToolchainCatalog.builtIn(), carch).name();
      try (FarmView farm = FarmView.open()) {
        List<Volunteer> volunteers = farm.volunteers(ToolchainCatalog.builtIn());
        line =
            HostsAdvice.hostsByTarget(
                    volunteers, host != null ? host : HostsCommand.thisHost(), ",lzo")
                .get(target);
        if (line == null) {
          throw new ExitException(
              Farm.FAILURE,
              "no running " + target + " volunteer (farm up " + target + "), or give --hosts");
        }
        slots = HostsAdvice.slots(volunteers, target);
      }
    } else {
      slots = slotsOf(line);
    }
    String updated = enable(text, line, 2 * slots);
    ArtefactWriter writer = new ArtefactWriter(Clock.systemUTC());
    if (updated.equals(text)) {
      Farm.progress(conf + " already uses this farm");
    } else {
      writer.write(conf, updated).ifPresent(b -> Farm.progress("kept the previous file as " + b));
      Farm.progress(
          "enabled distcc in "
              + conf
              + ": DISTCC_HOSTS=\""
              + line
              + "\", MAKEFLAGS=\"-j"
              + (2 * slots)
              + "\"");
    }
    return 0;
  }

  /** The conf with distcc on: BUILDENV, DISTCC_HOSTS and MAKEFLAGS set, everything else kept. */
  static String enable(String text, String hostsLine, int jobs) {
    String t = text;
    Matcher buildenv = Pattern.compile("(?m)^(BUILDENV=\\()([^)]*)(\\))").matcher(t);
    if (buildenv.find()) {
      String options = buildenv.group(2);
      String on =
          options.matches("(?s).*(^|\\s)!distcc(\\s|$).*")
              ? options.replaceFirst("(^|\\s)!distcc(?=\\s|$)", "$1distcc")
              : options.matches("(?s).*(^|\\s)distcc(\\s|$).*") ? options : "distcc " + options;
      t = t.substring(0, buildenv.start(2)) + on + t.substring(buildenv.end(2));
    } else {
      t = t + (t.endsWith("\n") ? "" : "\n") + "BUILDENV=(distcc color !ccache check !sign)\n";
    }
    t = setVariable(t, "DISTCC_HOSTS", hostsLine);
    return setVariable(t, "MAKEFLAGS", "-j" + jobs);
  }

  /** Replaces the (possibly commented-out) assignment of {@code name}, or appends one. */
  private static String setVariable(String text, String name, String value) {
    String line = name + "=\"" + value + "\"";
    Pattern p = Pattern.compile("(?m)^#?" + name + "=.*$");
    Matcher m = p.matcher(text);
    if (m.find()) {
      return text.substring(0, m.start()) + line + text.substring(m.end());
    }
    return text + (text.endsWith("\n") ? "" : "\n") + line + "\n";
  }

  /** Sum of the /N limits of a host line (distcc's default is 4 per host). */
  static int slotsOf(String line) {
    int total = 0;
    for (String entry : line.trim().split("\\s+")) {
      Matcher m = Pattern.compile("/(\\d+)").matcher(entry);
      total += m.find() ? Integer.parseInt(m.group(1)) : 4;
    }
    return Math.max(1, total);
  }
}
