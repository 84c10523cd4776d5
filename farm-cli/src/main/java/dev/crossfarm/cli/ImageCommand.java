package dev.crossfarm.cli;

import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.image.AptMirror;
import dev.crossfarm.cli.image.ImageBuildException;
import dev.crossfarm.cli.image.ImageBuilder;
import dev.crossfarm.cli.image.VolunteerImage;
import dev.crossfarm.toolchain.CatalogException;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Path;
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

  /** Where rootfs trees and jib's layer cache live while images are built. */
  static final Path WORK_DIR = Path.of("/var/tmp/crossfarm");

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
    String mirror =
        config.image().mirror() != null
            ? config.image().mirror()
            : AptMirror.find(Path.of("/etc/apt"), config.image().suite()).orElse(null);
    return new ImageBuilder(
        engine, config.image().suite(), mirror, WORK_DIR, Farm.version(), Farm::progress);
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
        "Build the volunteer image of each target: a Debian minbase rootfs with the target's",
        "cross toolchain, a JRE and tini (debootstrap from this machine's Debian mirror, then",
        "imported into the engine), plus the daemon's layers (jib). Skipped when an image for",
        "the same recipe exists. Needs root (debootstrap) and a Docker engine."
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
        ImageBuilder builder = builder(engine, farm);
        for (String t : targets) {
          Toolchain toolchain = toolchain(catalog, t);
          var official =
              archive == null
                  ? null
                  : ImageBuilder.verifyArchive(
                      toolchain, archive, farm.image().archiveSha256().get(toolchain.name()));
          VolunteerImage image = builder.ensure(toolchain, rebuild, official);
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
