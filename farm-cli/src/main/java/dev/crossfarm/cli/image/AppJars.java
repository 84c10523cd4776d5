package dev.crossfarm.cli.image;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The packaged farm command ({@code farm.jar} and its {@code lib/}), which images carry: found next
 * to the running code, as Maven's package phase lays it out in {@code farm-cli/target}.
 */
public record AppJars(Path main, List<Path> libraries) {

  public static AppJars locate() {
    Path here;
    try {
      here = Path.of(AppJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new ImageBuildException("cannot find the farm jar: " + e.getMessage(), e);
    }
    // from the jar: farm-cli/target/farm.jar; from classes (tests): farm-cli/target/classes
    Path target = here.getParent();
    Path jar = target.resolve("farm.jar");
    Path lib = target.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new ImageBuildException(
          "no packaged farm command at "
              + jar
              + " (with lib/): build it first with mvn -B -DskipTests package");
    }
    try (Stream<Path> jars = Files.list(lib)) {
      return new AppJars(jar, jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList());
    } catch (IOException e) {
      throw new ImageBuildException("cannot list " + lib + ": " + e.getMessage(), e);
    }
  }

  /** Digest of every jar's bytes: a changed daemon gives a new image tag. */
  public String digest() {
    StringBuilder all = new StringBuilder();
    try {
      for (Path p : Stream.concat(Stream.of(main), libraries.stream()).toList()) {
        all.append(p.getFileName())
            .append('=')
            .append(ImageRecipe.sha256(Files.readAllBytes(p)))
            .append('\n');
      }
    } catch (IOException e) {
      throw new ImageBuildException("cannot read the farm jars: " + e.getMessage(), e);
    }
    return ImageRecipe.sha256(all.toString()).substring(0, 12);
  }
}
