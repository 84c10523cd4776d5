package dev.crossfarm.cli;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.cli.generate.ArtefactWriter;
import dev.crossfarm.cli.generate.ComposeFile;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm compose}: the farm's volunteers as a compose file. */
@Command(
    name = "compose",
    header = "Write a compose file for the volunteers.",
    mixinStandardHelpOptions = true,
    description = {
      "Write a compose file with one service per volunteer, the same containers 'farm up' runs",
      "(ports, allow-list and limits from farm.yaml). Build the images first with",
      "'farm image build ARCH...': nothing is pulled. Printed without --out."
    })
final class ComposeCommand implements Callable<Integer> {

  @Mixin ConfigMixin config;

  @Parameters(
      paramLabel = "ARCH",
      arity = "0..*",
      description = "Targets (default: farm.yaml's, else armv7h aarch64).")
  List<String> targets = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE", description = "Write the compose file here.")
  Path out;

  @Override
  public Integer call() throws IOException {
    ToolchainCatalog catalog = ToolchainCatalog.builtIn();
    FarmConfig farm = config.load(catalog);
    List<VolunteerSpec> specs = new ArrayList<>();
    for (Toolchain t : ConfigMixin.targets(catalog, farm, targets)) {
      // no --jobs unless farm.yaml sets one: the file runs on other machines than this one
      specs.add(VolunteerSpec.of(t, farm, 0));
    }
    String yaml = new ComposeFile(Farm.version()).render(specs);
    if (out == null) {
      System.out.print(yaml);
    } else {
      new ArtefactWriter(Clock.systemUTC())
          .write(out, yaml)
          .ifPresent(b -> Farm.progress("kept the previous file as " + b));
      Farm.progress("wrote " + out);
    }
    return 0;
  }
}
