package dev.crossfarm.cli.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Step 2 of a volunteer image: jib-core adds the daemon on top of the base image, as two layers
 * (third-party jars, which rarely change, then crossfarm's own), with the entrypoint, user, port
 * and labels. Base and result live in the local engine; nothing is pushed anywhere.
 */
final class DaemonLayersStep {

  private final Path cacheDir;
  private final Consumer<String> progress;

  DaemonLayersStep(Path cacheDir, Consumer<String> progress) {
    this.cacheDir = cacheDir;
    this.progress = progress;
  }

  void build(
      ImageRecipe recipe,
      AppJars app,
      String reference,
      String additionalTag,
      Map<String, String> labels) {
    String target = recipe.toolchain().name();
    String app_ = ImageRecipe.APP_DIR;
    FileEntriesLayer.Builder dependencies = FileEntriesLayer.builder().setName("dependencies");
    FileEntriesLayer.Builder crossfarm = FileEntriesLayer.builder().setName("crossfarm");
    for (Path jar : app.libraries()) {
      String name = jar.getFileName().toString();
      (name.startsWith("crossfarm-") ? crossfarm : dependencies)
          .addEntry(jar, AbsoluteUnixPath.get(app_ + "/lib/" + name));
    }
    crossfarm.addEntry(app.main(), AbsoluteUnixPath.get(app_ + "/farm.jar"));
    int port = recipe.toolchain().port();
    try {
      JibContainerBuilder builder =
          Jib.from(DockerDaemonImage.named(recipe.baseImage()))
              .addFileEntriesLayer(dependencies.build())
              .addFileEntriesLayer(crossfarm.build())
              .setEntrypoint(entrypoint(target))
              .setProgramArguments(List.of())
              .setUser(ImageRecipe.USER_ID + ":" + ImageRecipe.USER_ID)
              .setWorkingDirectory(AbsoluteUnixPath.get("/tmp"))
              .addExposedPort(Port.tcp(port))
              .addExposedPort(Port.tcp(port + 1000))
              .setLabels(labels);
      progress.accept("adding the daemon layers (jib) -> " + reference);
      builder.containerize(
          Containerizer.to(DockerDaemonImage.named(reference))
              .withAdditionalTag(additionalTag)
              .setBaseImageLayersCache(cacheDir.resolve("base"))
              .setApplicationLayersCache(cacheDir.resolve("app"))
              .setToolName("crossfarm")
              .addEventHandler(
                  LogEvent.class,
                  e -> {
                    if (e.getLevel() == LogEvent.Level.LIFECYCLE
                        || e.getLevel() == LogEvent.Level.ERROR) {
                      progress.accept("jib: " + e.getMessage());
                    }
                  }));
    } catch (InvalidImageReferenceException e) {
      throw new ImageBuildException("bad image name: " + e.getMessage(), e);
    } catch (ExecutionException e) {
      throw new ImageBuildException("jib could not build " + reference + ": " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageBuildException("interrupted", e);
    } catch (Exception e) {
      throw new ImageBuildException("jib could not build " + reference + ": " + e, e);
    }
  }

  /** tini as PID 1 forwards SIGTERM to the JVM, so docker stop never waits for its timeout. */
  static List<String> entrypoint(String target) {
    List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/tini", "--"));
    command.addAll(ImageRecipe.daemonInImage(target));
    return command;
  }
}
