package dev.crossfarm.cli;

import dev.crossfarm.cli.config.ConfigLoader;
import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the farm's settings, shared by every command that needs them. */
public final class ConfigMixin {

  static final Path DEFAULT = Path.of("farm.yaml");

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Farm settings (default: ./farm.yaml if present, else built-in defaults).")
  Path file;

  FarmConfig load(ToolchainCatalog catalog) {
    try {
      return new ConfigLoader(catalog).load(file != null ? file : DEFAULT, file != null);
    } catch (ConfigLoader.ConfigException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
  }
}
