package dev.crossfarm.cli.image;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.Image;
import dev.crossfarm.cli.config.FarmConfig;
import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.cli.docker.Labels;
import dev.crossfarm.toolchain.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Builds volunteer images without a registry or a Dockerfile, from the recipe in {@code images/}:
 * one base per suite shared by every target ({@link BaseImageStep}, with the runtime of {@link
 * RuntimeStep}), one toolchain layer per target ({@link ToolchainLayerStep}, several at once), the
 * jars ({@link AppLayers}), all loaded into the engine by {@link ImageArchive}. What exists for the
 * same recipe is reused; {@code rebuild} makes everything again. Tags: {@code
 * crossfarm/volunteer-ARCH:VERSION-DIGEST} and {@code crossfarm/volunteer-ARCH:VERSION}.
 */
public final class ImageBuilder {

  private static final String PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Engine engine;
  private final String suite;
  private final String mirror;
  private final Path workDir;
  private final String version;
  private final Consumer<String> progress;
  private final ImageRecipe recipe = ImageRecipe.bundled();

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

  /** Where rootfs trees and layers live while images are built, and between builds. */
  public static final Path WORK_DIR = Path.of("/var/tmp/crossfarm");

  /** The builder of farm.yaml's {@code image:} settings, on this machine's Debian mirror. */
  public static ImageBuilder of(
      Engine engine, FarmConfig.ImageConfig image, String version, Consumer<String> progress) {
    String mirror =
        image.mirror() != null
            ? image.mirror()
            : AptMirror.find(Path.of("/etc/apt"), image.suite())
                // the mirror of this machine's own release serves the other suites too
                .or(() -> AptMirror.find(Path.of("/etc/apt"), AptMirror.hostSuite()))
                .orElse(null);
    return new ImageBuilder(engine, image.suite(), mirror, WORK_DIR, version, progress);
  }

  /** The volunteer image for {@code toolchain}, built first if missing (or if {@code rebuild}). */
  public VolunteerImage ensure(Toolchain toolchain, boolean rebuild) {
    return ensure(List.of(new ToolchainSource(toolchain, null)), rebuild).get(0);
  }

  /**
   * The volunteer images of {@code sources}, in order: those missing are built together, on one
   * base, their toolchain layers at the same time.
   */
  public List<VolunteerImage> ensure(List<ToolchainSource> sources, boolean rebuild) {
    AppJars app = AppJars.locate();
    RuntimeStep runtime = new RuntimeStep(workDir, progress);
    String baseDigest =
        ImageRecipe.sha256(recipe.digest() + "|" + suite + "|" + runtime.key(recipe.runtime()))
            .substring(0, 12);
    String baseReference = "crossfarm/base:" + suite + "-" + baseDigest;
    String appDigest = app.digest();
    List<String> references = new ArrayList<>();
    List<ToolchainSource> missing = new ArrayList<>();
    for (ToolchainSource s : sources) {
      String reference =
          ImageRecipe.volunteerRepository(s.toolchain().name())
              + ":"
              + version
              + "-"
              + ImageRecipe.sha256(baseDigest + "|" + s.digest() + "|" + appDigest)
                  .substring(0, 12);
      references.add(reference);
      if (!rebuild && engine.imageExists(reference)) {
        progress.accept(reference + " is up to date");
      } else {
        missing.add(s);
      }
    }
    if (!missing.isEmpty()) {
      build(missing, references, sources, rebuild, runtime, baseReference, baseDigest, app);
    }
    List<VolunteerImage> images = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      String repository = ImageRecipe.volunteerRepository(sources.get(i).toolchain().name());
      engine.client().tagImageCmd(references.get(i), repository, version).exec();
      images.add(describe(references.get(i), sources.get(i).toolchain().name()));
    }
    return images;
  }

  private void build(
      List<ToolchainSource> missing,
      List<String> references,
      List<ToolchainSource> sources,
      boolean rebuild,
      RuntimeStep runtime,
      String baseReference,
      String baseDigest,
      AppJars app) {
    long started = System.nanoTime();
    Path rootfs = workDir.resolve("rootfs-" + suite + "-" + baseDigest);
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new ImageBuildException("cannot create " + workDir + ": " + e.getMessage(), e);
    }
    if (rebuild || !engine.imageExists(baseReference)) {
      Path jre = runtime.ensure(recipe.runtime());
      new BaseImageStep(mirrorOrFail(), progress).build(recipe, suite, jre, rootfs, baseReference);
    } else if (!Files.isDirectory(rootfs)) {
      exportBase(baseReference, rootfs);
    } else {
      progress.accept(baseReference + " is up to date");
    }
    InspectImageResponse base = engine.client().inspectImageCmd(baseReference).exec();
    List<LayerFile> appLayers = AppLayers.ensure(app, recipe, workDir);
    ToolchainLayerStep step = new ToolchainLayerStep(workDir, progress);
    ExecutorService pool = Executors.newFixedThreadPool(missing.size());
    try {
      List<Future<ToolchainLayerStep.Result>> layers = new ArrayList<>();
      for (ToolchainSource s : missing) {
        String key =
            ImageRecipe.sha256(base.getId() + "|" + s.digest() + "|" + recipe.digest())
                .substring(0, 12);
        layers.add(pool.submit(() -> step.ensure(recipe, rootfs, s, key, rebuild)));
      }
      for (int i = 0; i < missing.size(); i++) {
        ToolchainSource s = missing.get(i);
        ToolchainLayerStep.Result toolchain = result(layers.get(i));
        List<LayerFile> top = new ArrayList<>(List.of(toolchain.layer()));
        top.addAll(appLayers);
        String reference = references.get(sources.indexOf(s));
        ImageArchive.load(
            workDir,
            base.getArch(),
            base.getOs(),
            base.getRootFS().getLayers(),
            top,
            config(s.toolchain(), toolchain.compilerVersion()),
            List.of(reference));
        VolunteerImage image = describe(reference, s.toolchain().name());
        progress.accept(
            String.format(
                Locale.ROOT,
                "built %s (gcc %s, %d MB) in %ds",
                reference,
                toolchain.compilerVersion(),
                image.sizeBytes() >> 20,
                (System.nanoTime() - started) / 1_000_000_000L));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static ToolchainLayerStep.Result result(Future<ToolchainLayerStep.Result> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ImageBuildException ibe) {
        throw ibe;
      }
      throw new ImageBuildException("toolchain layer: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageBuildException("interrupted", e);
    }
  }

  /** The image's runtime settings: the daemon of its target as the recipe's user. */
  private Map<String, Object> config(Toolchain toolchain, String compilerVersion) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("User", recipe.user().id() + ":" + recipe.user().id());
    config.put("Env", List.of(PATH));
    config.put("Entrypoint", recipe.entrypoint(toolchain.name()));
    config.put("WorkingDir", recipe.jobsTmpfs().path());
    Map<String, Object> ports = new LinkedHashMap<>();
    ports.put(toolchain.port() + "/tcp", Map.of());
    ports.put(toolchain.statsPort() + "/tcp", Map.of());
    config.put("ExposedPorts", ports);
    config.put(
        "Labels",
        Map.of(
            Labels.TOOLCHAIN, toolchain.name(),
            Labels.COMPILER_VERSION, compilerVersion,
            Labels.CATALOG_DIGEST, catalogDigest(toolchain),
            Labels.RECIPE, recipe.digest()));
    return config;
  }

  /** The base's rootfs again, from the engine, when the work directory lost it. */
  private void exportBase(String reference, Path rootfs) {
    progress.accept("unpacking " + reference + " for the toolchain layers");
    Path log = workDir.resolve("export.log");
    Path tmp = rootfs.resolveSibling(rootfs.getFileName() + ".tmp");
    HostCommand.remove(tmp);
    String id =
        HostCommand.output(List.of("docker", "create", reference, "/bin/true"), log, 2).trim();
    try {
      Files.createDirectories(tmp);
      HostCommand.pipe(
          List.of("docker", "export", id),
          List.of("tar", "-x", "--numeric-owner", "-C", tmp.toString()),
          log,
          10);
      Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ImageBuildException("cannot unpack " + reference + ": " + e.getMessage(), e);
    } finally {
      HostCommand.run(List.of("docker", "rm", "-f", id), log, 2);
      HostCommand.remove(tmp);
    }
  }

  /**
   * Checks {@code file} against the pinned digest of {@code toolchain}'s official tarball.
   *
   * @param configPin the digest farm.yaml pins, or null
   * @throws ImageBuildException when nothing pins it, or the file's digest differs
   */
  public static ToolchainArchive verifyArchive(Toolchain toolchain, Path file, String configPin) {
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
      actual = ImageRecipe.sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ImageBuildException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (!actual.equals(pinned.toLowerCase(Locale.ROOT))) {
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
    return new ToolchainArchive(file.toAbsolutePath(), actual, installation);
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
