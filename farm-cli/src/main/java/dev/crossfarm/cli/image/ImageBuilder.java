package dev.crossfarm.cli.image;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Image;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.toolchain.Toolchain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds volunteer images without a registry: {@link BaseImageStep} (debootstrap + import), then
 * {@link DaemonLayersStep} (jib). Each step is skipped when an image for the same recipe exists;
 * {@code rebuild} forces both. Tags: {@code crossfarm/volunteer-ARCH:VERSION-DIGEST} and {@code
 * crossfarm/volunteer-ARCH:VERSION}.
 */
public final class ImageBuilder {

  private final Engine engine;
  private final String suite;
  private final String mirror;
  private final Path workDir;
  private final String version;
  private final Consumer<String> progress;

  public ImageBuilder(
      Engine engine,
      String suite,
      String mirror,
      Path workDir,
      String version,
      Consumer<String> progress) {
    this.engine = engine;
    this.suite = suite;
    this.mirror = mirror;
    this.workDir = workDir;
    this.version = version;
    this.progress = progress;
  }

  /** The volunteer image for {@code toolchain}, built first if missing (or if {@code rebuild}). */
  public VolunteerImage ensure(Toolchain toolchain, boolean rebuild) {
    return ensure(toolchain, rebuild, null);
  }

  /**
   * As {@link #ensure(Toolchain, boolean)}, with the compiler from an official tarball checked
   * against its pinned sha256 (the catalog's, else {@code farm.yaml}'s) before anything is built.
   */
  public VolunteerImage ensure(
      Toolchain toolchain, boolean rebuild, ImageRecipe.ToolchainArchive archive) {
    ImageRecipe recipe = ImageRecipe.of(toolchain, suite, archive);
    AppJars app = AppJars.locate();
    String digest =
        ImageRecipe.sha256(recipe.digest() + app.digest() + catalogDigest(toolchain))
            .substring(0, 12);
    String repository = ImageRecipe.volunteerRepository(toolchain.name());
    String reference = repository + ":" + version + "-" + digest;
    if (!rebuild && engine.imageExists(reference)) {
      progress.accept(reference + " is up to date");
      engine.client().tagImageCmd(reference, repository, version).exec();
      return describe(reference, toolchain.name());
    }
    long started = System.nanoTime();
    if (rebuild || !engine.imageExists(recipe.baseImage())) {
      new BaseImageStep(workDir, mirrorOrFail(), progress).build(recipe);
    } else {
      progress.accept(recipe.baseImage() + " is up to date");
    }
    String gcc = recipe.compilerInstallation().executable("gcc").toString();
    String compilerVersion =
        engine.run(recipe.baseImage(), List.of(gcc, "-dumpfullversion")).trim();
    Map<String, String> labels =
        Map.of(
            Labels.TOOLCHAIN, toolchain.name(),
            Labels.COMPILER_VERSION, compilerVersion,
            Labels.CATALOG_DIGEST, catalogDigest(toolchain),
            Labels.RECIPE, recipe.digest());
    new DaemonLayersStep(workDir.resolve("jib-cache"), progress)
        .build(recipe, app, reference, version, labels);
    VolunteerImage image = describe(reference, toolchain.name());
    progress.accept(
        String.format(
            "built %s (gcc %s, %d MB) in %ds",
            reference,
            compilerVersion,
            image.sizeBytes() >> 20,
            (System.nanoTime() - started) / 1_000_000_000L));
    return image;
  }

  /**
   * Checks {@code file} against the pinned digest of {@code toolchain}'s official tarball.
   *
   * @param configPin the digest farm.yaml pins, or null
   * @throws ImageBuildException when nothing pins it, or the file's digest differs
   */
  public static ImageRecipe.ToolchainArchive verifyArchive(
      Toolchain toolchain, Path file, String configPin) {
    var installation =
        toolchain
            .archiveInstallation()
            .orElseThrow(
                () ->
                    new ImageBuildException(
                        "the catalog knows no official toolchain tarball for " + toolchain.name()));
    String pinned =
        installation.archive().sha256() != null ? installation.archive().sha256() : configPin;
    if (pinned == null) {
      throw new ImageBuildException(
          "no sha256 is pinned for "
              + toolchain.name()
              + "'s toolchain tarball: check "
              + file.getFileName()
              + " against the checksum Arch Linux ARM publishes, then pin it in"
              + " farm.yaml as image: {archive-sha256: {"
              + toolchain.name()
              + ": <sha256>}}");
    }
    String actual;
    try {
      actual = ImageRecipe.sha256(java.nio.file.Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new ImageBuildException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (!actual.equals(pinned.toLowerCase(java.util.Locale.ROOT))) {
      throw new ImageBuildException(
          "sha256 mismatch for "
              + file
              + ": it is "
              + actual
              + ", but "
              + pinned
              + " is pinned for "
              + toolchain.name()
              + "; not using it (a different or corrupted download?)");
    }
    return new ImageRecipe.ToolchainArchive(file.toAbsolutePath(), actual, installation);
  }

  /** Every volunteer image in the engine. */
  public List<VolunteerImage> list() {
    List<VolunteerImage> images = new ArrayList<>();
    for (Image i :
        engine.client().listImagesCmd().withLabelFilter(Map.of(Labels.TOOLCHAIN, "")).exec()) {
      if (i.getRepoTags() == null) {
        continue;
      }
      for (String tag : i.getRepoTags()) {
        Map<String, String> labels = i.getLabels() == null ? Map.of() : i.getLabels();
        images.add(
            new VolunteerImage(
                tag,
                labels.get(Labels.TOOLCHAIN),
                labels.get(Labels.COMPILER_VERSION),
                i.getSize()));
      }
    }
    return images;
  }

  private VolunteerImage describe(String reference, String target) {
    InspectImageResponse inspect = engine.client().inspectImageCmd(reference).exec();
    Map<String, String> labels = inspect.getConfig().getLabels();
    return new VolunteerImage(
        reference,
        target,
        labels == null ? null : labels.get(Labels.COMPILER_VERSION),
        inspect.getSize());
  }

  private String mirrorOrFail() {
    if (mirror == null) {
      throw new ImageBuildException(
          "no Debian mirror for '"
              + suite
              + "' in this machine's apt sources; set image.mirror in farm.yaml");
    }
    return mirror;
  }

  /** The catalog entry the image was built from: a changed catalog gives a new image. */
  static String catalogDigest(Toolchain toolchain) {
    return ImageRecipe.sha256(toolchain.toString()).substring(0, 12);
  }
}
