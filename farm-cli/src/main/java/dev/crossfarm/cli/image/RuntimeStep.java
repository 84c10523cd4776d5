package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's Java runtime for the image: jlink of the JDK that runs this command, with the
 * recipe's modules. Made once per JDK and recipe, kept in the work directory. It makes the image
 * independent of the suite's JRE packages, and smaller than any of them.
 */
final class RuntimeStep {

  private final Path workDir;
  private final Consumer<String> progress;
  private final Path javaHome = Path.of(System.getProperty("java.home"));

  RuntimeStep(Path workDir, Consumer<String> progress) {
    this.workDir = workDir;
    this.progress = progress;
  }

  /** What identifies the runtime this step makes: the JDK and the recipe's module list. */
  String key(ImageRecipe.Runtime runtime) {
    return ImageRecipe.sha256(
            javaHome
                + "|"
                + System.getProperty("java.vm.version")
                + "|"
                + runtime.modules()
                + "|"
                + runtime.jlinkOptions())
        .substring(0, 12);
  }

  /** The runtime's directory, made by jlink unless it exists. */
  Path ensure(ImageRecipe.Runtime runtime) {
    Path out = workDir.resolve("runtime-" + key(runtime));
    if (Files.isExecutable(out.resolve("bin/java"))) {
      return out;
    }
    Path jlink = javaHome.resolve("bin/jlink");
    if (!Files.isExecutable(jlink) || !Files.isDirectory(javaHome.resolve("jmods"))) {
      throw new ImageBuildException(
          "the image's Java runtime is made with jlink from the JDK that runs farm, but "
              + javaHome
              + " has no jlink or no jmods: run farm with a full JDK (apt-get install"
              + " openjdk-17-jdk-headless; JAVA_HOME or PATH)");
    }
    progress.accept(
        "jlink: a Java runtime for the daemon from "
            + javaHome
            + " ("
            + runtime.modules().size()
            + " modules)");
    Path tmp = workDir.resolve("runtime-" + key(runtime) + ".tmp");
    HostCommand.remove(tmp);
    List<String> command = new ArrayList<>(List.of(jlink.toString()));
    command.addAll(List.of("--add-modules", String.join(",", runtime.modules())));
    command.addAll(runtime.jlinkOptions());
    command.addAll(List.of("--output", tmp.toString()));
    try {
      Files.createDirectories(workDir);
      HostCommand.run(command, workDir.resolve("jlink.log"), 10);
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ImageBuildException("cannot keep the runtime in " + out + ": " + e.getMessage(), e);
    }
    return out;
  }
}
