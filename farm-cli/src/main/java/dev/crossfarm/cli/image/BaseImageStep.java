package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Step 1 of a volunteer image: a Debian minbase rootfs made by {@code debootstrap} with the
 * recipe's packages and the volunteer's user, imported into the engine with {@code docker import}
 * semantics. No registry is involved: the packages come from the machine's own Debian mirror.
 */
final class BaseImageStep {

  private final Path workDir;
  private final String mirror;
  private final Consumer<String> progress;

  BaseImageStep(Path workDir, String mirror, Consumer<String> progress) {
    this.workDir = workDir;
    this.mirror = mirror;
    this.progress = progress;
  }

  void build(ImageRecipe recipe) {
    String target = recipe.toolchain().name();
    Path root;
    try {
      Files.createDirectories(workDir);
      root = Files.createTempDirectory(workDir, "rootfs-" + target + "-");
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot create a work directory under " + workDir + ": " + e.getMessage(), e);
    }
    try {
      Path log = workDir.resolve("debootstrap-" + target + ".log");
      progress.accept(
          "debootstrap "
              + recipe.suite()
              + " (minbase + "
              + String.join(", ", recipe.packages())
              + ") from "
              + mirror
              + "; log: "
              + log);
      List<String> debootstrap =
          List.of(
              "debootstrap",
              "--variant=minbase",
              "--include=" + String.join(",", recipe.packages()),
              recipe.suite(),
              root.toString(),
              mirror);
      run(debootstrap, log, 30);
      if (recipe.archive() != null) {
        layArchive(recipe, root, log);
      }
      addUser(root);
      progress.accept("importing the rootfs as " + recipe.baseImage());
      importRootfs(root, recipe.baseImage());
    } finally {
      remove(root);
    }
  }

  /** The official tarball, unpacked into the rootfs's /opt; it must hold the catalog's gcc. */
  private void layArchive(ImageRecipe recipe, Path root, Path log) {
    ImageRecipe.ToolchainArchive archive = recipe.archive();
    progress.accept("laying " + archive.file() + " into /opt");
    run(
        List.of("tar", "-xf", archive.file().toString(), "-C", root.resolve("opt").toString()),
        log,
        10);
    Path gcc = root.resolve(archive.installation().executable("gcc").toString().substring(1));
    if (!Files.isExecutable(gcc)) {
      throw new ImageBuildException(
          archive.file()
              + " does not contain "
              + archive.installation().executable("gcc")
              + " once unpacked into /opt: is it the "
              + recipe.toolchain().name()
              + " x-tools tarball?");
    }
  }

  /** The volunteer's unprivileged user, written into the rootfs: no useradd needed. */
  private static void addUser(Path root) {
    int id = ImageRecipe.USER_ID;
    String name = ImageRecipe.USER_NAME;
    try {
      Files.writeString(
          root.resolve("etc/passwd"),
          name + ":x:" + id + ":" + id + ":crossfarm volunteer:/nonexistent:/usr/sbin/nologin\n",
          StandardOpenOption.APPEND);
      Files.writeString(
          root.resolve("etc/group"), name + ":x:" + id + ":\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot add the volunteer user to the rootfs: " + e.getMessage(), e);
    }
  }

  /**
   * tar piped into {@code docker import}: the engine API's import over docker-java's transport
   * truncates a streamed body of unknown length, the CLI streams it whole (jib needs the CLI
   * anyway).
   */
  private static void importRootfs(Path root, String reference) {
    try {
      List<Process> pipeline =
          ProcessBuilder.startPipeline(
              List.of(
                  new ProcessBuilder(
                          "tar", "-C", root.toString(), "--numeric-owner", "-cf", "-", ".")
                      .redirectError(ProcessBuilder.Redirect.INHERIT),
                  new ProcessBuilder("docker", "import", "-", reference)
                      .redirectErrorStream(true)
                      .redirectOutput(ProcessBuilder.Redirect.DISCARD)));
      for (Process p : pipeline) {
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new ImageBuildException(
              "importing the rootfs failed: "
                  + p.info().command().orElse("?")
                  + " exited "
                  + (p.isAlive() ? "(timeout)" : p.exitValue()));
        }
      }
    } catch (IOException e) {
      throw new ImageBuildException("cannot run tar | docker import: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageBuildException("interrupted while importing the rootfs", e);
    }
  }

  static void run(List<String> command, Path log, int minutes) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new ImageBuildException(
            command.get(0) + " took more than " + minutes + " minutes; see " + log);
      }
      if (p.exitValue() != 0) {
        List<String> lines = Files.readAllLines(log);
        throw new ImageBuildException(
            command.get(0)
                + " failed (exit "
                + p.exitValue()
                + "); last lines of "
                + log
                + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
      }
    } catch (IOException e) {
      throw new ImageBuildException(
          "cannot run "
              + command.get(0)
              + ": "
              + e.getMessage()
              + (command.get(0).equals("debootstrap")
                  ? " (apt-get install debootstrap; it needs root)"
                  : ""),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageBuildException("interrupted", e);
    }
  }

  /** rm -rf: the rootfs holds device nodes and files only root may touch. */
  private static void remove(Path root) {
    List<String> rm = new ArrayList<>(List.of("rm", "-rf", "--one-file-system", root.toString()));
    try {
      new ProcessBuilder(rm).inheritIO().start().waitFor(5, TimeUnit.MINUTES);
    } catch (IOException | InterruptedException e) {
      // leftovers in the work directory are reported by the next build's free-space check
    }
  }
}
