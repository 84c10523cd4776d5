package dev.crossfarm.cli;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.image.ImageBuildException;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.ToolchainSource;
import dev.crossfarm.cli.image.VolunteerImage;
import dev.crossfarm.toolchain.CatalogException;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm image build|list}: volunteer images, built locally without any registry. */
@Command(
    name = "image",
    header = "Build and list volunteer images (no registry needed).",
    mixinStandardHelpOptions = true,
    description = "Build and list volunteer images (no registry needed).",
    subcommands = {ImageCommand.Build.class, ImageCommand.ListImages.class})
final class ImageCommand {

  static Engine requireEngine() {
    return Engine.connect()
        .orElseThrow(
            () ->
                new ExitException(
                    Farm.FAILURE,
                    "no Docker engine answers (DOCKER_HOST or /var/run/docker.sock); start one"
                        + " (apt-get install docker.io; dockerd &)"));
  }

  static ImageBuilder builder(Engine engine, FarmConfig config) {
    return ImageBuilder.of(engine, config.image(), Farm.version(), Farm::progress);
  }

  static Toolchain toolchain(ToolchainCatalog catalog, String name) {
    try {
      return catalog.get(name);
    } catch (CatalogException e) {
      throw new ExitException(Farm.FAILURE, e.getMessage());
    }
  }

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description = {
        "Build the volunteer image of each target, several at once, from the recipe in images/:",
        "one base per Debian suite (minbase, the daemon's runtime made by jlink, tini; from this",
        "machine's Debian mirror) shared by every target, then each target's cross toolchain as",
        "a layer of its own, then the daemon's jars. Skipped when an image for the same recipe",
        "exists. Needs root (debootstrap, overlay mounts, chroot) and a Docker engine."
      })
  static final class Build implements Callable<Integer> {
    @Mixin ConfigMixin config;

    @Parameters(paramLabel = "ARCH", arity = "1..*", description = "x86_64, armv7h, aarch64")
    List<String> targets;

    @Option(names = "--rebuild", description = "Build even when an image for the recipe exists.")
    boolean rebuild;

    @Option(
        names = "--toolchain-archive",
        paramLabel = "FILE",
        description =
            "Use Arch Linux ARM's official x-tools tarball instead of Debian's cross compiler: laid"
                + " into /opt, checked against the sha256 pinned in the catalog or farm.yaml"
                + " (image.archive-sha256.ARCH). One ARCH only.")
    Path archive;

    @Override
    public Integer call() {
      ToolchainCatalog catalog = ToolchainCatalog.builtIn();
      FarmConfig farm = config.load(catalog);
      try (Engine engine = requireEngine()) {
        if (archive != null && targets.size() != 1) {
          throw new ExitException(Farm.USAGE, "--toolchain-archive goes with exactly one ARCH");
        }
        List<ToolchainSource> sources = new ArrayList<>();
        for (String t : targets) {
          Toolchain toolchain = toolchain(catalog, t);
          sources.add(
              new ToolchainSource(
                  toolchain,
                  archive == null
                      ? null
                      : ImageBuilder.verifyArchive(
                          toolchain, archive, farm.image().archiveSha256().get(toolchain.name()))));
        }
        for (VolunteerImage image : builder(engine, farm).ensure(sources, rebuild)) {
          System.out.println(image.reference());
        }
      } catch (ImageBuildException e) {
        throw new ExitException(Farm.FAILURE, e.getMessage(), e);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List volunteer images.")
  static final class ListImages implements Callable<Integer> {
    @Override
    public Integer call() {
      try (Engine engine = requireEngine()) {
        List<VolunteerImage> images = builder(engine, FarmConfig.DEFAULT).list();
        System.out.printf("%-44s %-8s %-8s %s%n", "IMAGE", "TARGET", "GCC", "SIZE");
        for (VolunteerImage i : images) {
          System.out.printf(
              "%-44s %-8s %-8s %d MB%n",
              i.reference(), i.target(), i.compilerVersion(), i.sizeBytes() >> 20);
        }
      }
      return 0;
    }
  }
}
