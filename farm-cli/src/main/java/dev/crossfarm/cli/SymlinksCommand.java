package dev.crossfarm.cli;

import dev.crossfarm.cli.generate.WhitelistSymlinks;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm symlinks}: stock distccd's compiler whitelist for these targets. */
@Command(
    name = "symlinks",
    header = "Make stock distccd's compiler whitelist for these targets.",
    mixinStandardHelpOptions = true,
    description = {
      "Make the compiler whitelist stock distccd (3.3+) checks: a link per compiler name",
      "TRIPLE-{c++,cc,clang,clang++,cpp,g++,gcc}, for Debian's and Arch Linux ARM's triples of",
      "each target, pointing at distcc. Safe to run again; never replaces anything else."
    })
final class SymlinksCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ARCH", arity = "1..*", description = "x86_64, armv7h, aarch64")
  List<String> targets;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "/usr/lib/distcc",
      description = "Where (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--distcc",
      paramLabel = "PATH",
      defaultValue = "/usr/bin/distcc",
      description = "What the links point at (default: ${DEFAULT-VALUE}).")
  Path distcc;

  @Option(
      names = {"-n", "--dry-run"},
      description = "Only print what would be made.")
  boolean dryRun;

  @Override
  public Integer call() throws IOException {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    List<Toolchain> toolchains = new ArrayList<>();
    for (String t : targets) {
      toolchains.add(ImageCommand.toolchain(catalog, t));
    }
    List<WhitelistSymlinks.Link> links;
    try {
      links = WhitelistSymlinks.plan(toolchains, dir, distcc);
    } catch (IllegalStateException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
    long create = links.stream().filter(l -> l.action() == WhitelistSymlinks.Action.CREATE).count();
    for (WhitelistSymlinks.Link l : links) {
      if (l.action() == WhitelistSymlinks.Action.CREATE) {
        System.out.println((dryRun ? "would link " : "link ") + l.path() + " -> " + distcc);
      }
    }
    if (!dryRun) {
      WhitelistSymlinks.apply(links, distcc);
    }
    Farm.progress(
        create
            + " link(s) "
            + (dryRun ? "to make" : "made")
            + ", "
            + (links.size() - create)
            + " already present");
    return 0;
  }
}
