package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The daemon's jars as two reproducible layers: the third-party libraries, which rarely change,
 * then crossfarm's own. Same jars, same bytes (sorted names, fixed times and owners), so the engine
 * keeps one copy for every target and every rebuild.
 */
final class AppLayers {

  private AppLayers() {}

  /** The libraries layer, then the crossfarm layer, made in {@code workDir} unless there. */
  static List<LayerFile> ensure(AppJars app, ImageRecipe recipe, Path workDir) {
    Predicate<Path> ours = jar -> jar.getFileName().toString().startsWith("crossfarm-");
    List<Path> libraries = app.libraries().stream().filter(ours.negate()).toList();
    List<Path> crossfarm = app.libraries().stream().filter(ours).toList();
    return List.of(
        layer("libraries", libraries, null, recipe, workDir),
        layer("crossfarm", crossfarm, app.main(), recipe, workDir));
  }

  private static LayerFile layer(
      String name, List<Path> libs, Path main, ImageRecipe recipe, Path workDir) {
    StringBuilder content = new StringBuilder(recipe.appDir());
    try {
      for (Path jar : main == null ? libs : concat(libs, main)) {
        content
            .append('\n')
            .append(jar.getFileName())
            .append('=')
            .append(ImageRecipe.sha256(Files.readAllBytes(jar)));
      }
      Path file =
          workDir
              .resolve("layers")
              .resolve(
                  name + "-" + ImageRecipe.sha256(content.toString()).substring(0, 12) + ".tar");
      if (Files.isRegularFile(file)) {
        return LayerFile.of(file);
      }
      Path staging = Files.createTempDirectory(Files.createDirectories(workDir), name + "-");
      try {
        Path app = Files.createDirectories(staging.resolve(recipe.appDir().substring(1)));
        Path lib = Files.createDirectories(app.resolve("lib"));
        for (Path jar : libs) {
          Files.copy(jar, lib.resolve(jar.getFileName()));
        }
        if (main != null) {
          Files.copy(main, app.resolve("farm.jar"));
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        HostCommand.run(
            List.of(
                "tar",
                "-C",
                staging.toString(),
                "--sort=name",
                "--mtime=@0",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "--mode=go-w,a+rX",
                "-cf",
                tmp.toString(),
                "."),
            workDir.resolve("app-layers.log"),
            5);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return LayerFile.of(file);
      } finally {
        HostCommand.remove(staging);
      }
    } catch (IOException e) {
      throw new ImageBuildException("cannot make the " + name + " layer: " + e.getMessage(), e);
    }
  }

  private static List<Path> concat(List<Path> libs, Path main) {
    return Stream.concat(libs.stream(), Stream.of(main)).toList();
  }
}
