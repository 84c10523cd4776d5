package dev.crossfarm.cli;

import dev.crossfarm.cli.config.ConfigLoader;
import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the farm's settings, shared by every command that needs them. */
public final class ConfigMixin {

  static final Path DEFAULT = Path.of("farm.yaml");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Farm settings (default: ./farm.yaml if present, else built-in defaults).")
  Path file;

  /** The targets named on the command line, else farm.yaml's (else the defaults). */
  static List<Toolchain> targets(ToolchainCatalog catalog, FarmConfig farm, List<String> named) {
    List<Toolchain> toolchains = new ArrayList<>();
    for (String t : named.isEmpty() ? farm.targets() : named) {
      toolchains.add(ImageCommand.toolchain(catalog, t));
    }
    return toolchains;
  }

  FarmConfig load(ToolchainCatalog catalog) {
    try {
      return new ConfigLoader(catalog).load(file != null ? file : DEFAULT, file != null);
    } catch (ConfigLoader.ConfigException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
  }
}
