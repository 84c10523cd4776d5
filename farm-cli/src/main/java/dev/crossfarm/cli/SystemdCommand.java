package dev.crossfarm.cli;

import dev.crossfarm.cli.generate.ArtefactWriter;
import dev.crossfarm.cli.generate.SystemdUnits;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm systemd}: units for volunteers that run natively, one per target. */
@Command(
    name = "systemd",
    header = "Write systemd units for volunteers run natively.",
    mixinStandardHelpOptions = true,
    description = {
      "Write distccd-ARCH.service and conf.d/distccd-ARCH for volunteers run by systemd on",
      "this machine (no containers): one port, log file and stats port per target, options in",
      "DISTCC_ARGS, a dynamic unprivileged user, a read-only system.",
      "Without --out or --install the files are printed.",
      "",
      "The volunteer host needs the target's cross compiler (farm daemon names the Debian",
      "packages when it is missing) and the farm command installed where systemd can run it",
      "(not under /home: the units protect it); --farm gives its path."
    })
final class SystemdCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARCH", arity = "1..*", description = "x86_64, armv7h, aarch64")
  List<String> targets;

  @Option(names = "--out", paramLabel = "DIR", description = "Write the files under DIR.")
  Path out;

  @Option(
      names = "--install",
      description = "Write into /etc/systemd/system and /etc/conf.d, keeping backups.")
  boolean install;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "farm",
      description =
          "farm (crossfarm's volunteer, default) or distccd (stock distccd with the toolchain on PATH).")
  String engine;

  @Option(
      names = "--farm",
      paramLabel = "PATH",
      description =
          "The farm launcher the units run (default: this one, else /usr/local/bin/farm).")
  String farm;

  @Option(
      names = "--auth",
      description = "Require a Kerberos login (,auth); needs --principal, and --keytab's file.")
  boolean auth;

  @Option(
      names = "--principal",
      paramLabel = "NAME",
      description = "With --auth: the service principal, e.g. distccd@builder.example.org.")
  String principal;

  @Option(
      names = "--keytab",
      paramLabel = "FILE",
      defaultValue = "/etc/krb5.keytab",
      description = "With --auth: the service's keytab (default: ${DEFAULT-VALUE}).")
  String keytab;

  @Option(
      names = "--whitelist",
      paramLabel = "FILE",
      description = "With --auth: only these principals may compile.")
  String whitelist;

  @Option(
      names = "--blacklist",
      paramLabel = "FILE",
      description = "With --auth: every principal but these may compile.")
  String blacklist;

  @Option(names = "--zeroconf", description = "Announce the volunteers over mDNS (+zeroconf).")
  boolean zeroconf;

  @Override
  public Integer call() throws IOException {
    SystemdUnits.Engine kind;
    try {
      kind = SystemdUnits.Engine.valueOf(engine.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ExitException(Farm.USAGE, "--engine takes farm or distccd, not '" + engine + "'");
    }
    if (out != null && install) {
      throw new ExitException(Farm.USAGE, "give --out or --install, not both");
    }
    String launcher = Farm.launcher(farm);
    if (!auth && (principal != null || whitelist != null || blacklist != null)) {
      throw new ExitException(
          Farm.USAGE, "--principal, --whitelist and --blacklist go with --auth");
    }
    if (auth && principal == null) {
      throw new ExitException(
          Farm.USAGE, "--auth needs --principal, e.g. --principal distccd@$(hostname -f)");
    }
    if (whitelist != null && blacklist != null) {
      throw new ExitException(Farm.USAGE, "give --whitelist or --blacklist, not both");
    }
    SystemdUnits units =
        new SystemdUnits(
            kind,
            launcher,
            auth ? new SystemdUnits.Login(principal, keytab, whitelist, blacklist) : null,
            zeroconf);
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    ArtefactWriter writer = new ArtefactWriter(Clock.systemUTC());
    for (String name : targets) {
      Toolchain t = ImageCommand.toolchain(catalog, name);
      for (Map.Entry<String, String> file : units.files(t).entrySet()) {
        if (out == null && !install) {
          System.out.println("### " + file.getKey());
          System.out.print(file.getValue());
          continue;
        }
        Path target = install ? installPath(file.getKey()) : out.resolve(file.getKey());
        writer
            .write(target, file.getValue())
            .ifPresent(b -> Farm.progress("kept the previous file as " + b));
        Farm.progress("wrote " + target);
      }
    }
    if (install) {
      Farm.progress(
          "now: systemctl daemon-reload && systemctl enable --now "
              + String.join(" ", targets.stream().map(t -> "distccd-" + t).toList()));
    }
    return 0;
  }

  private static Path installPath(String relative) {
    return relative.startsWith("conf.d/")
        ? Path.of("/etc/conf.d", relative.substring("conf.d/".length()))
        : Path.of("/etc/systemd/system", relative);
  }
}
