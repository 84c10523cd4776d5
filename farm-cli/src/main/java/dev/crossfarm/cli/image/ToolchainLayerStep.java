package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One target's toolchain layer: its packages installed by apt (or its official tarball unpacked) in
 * a chroot over an overlay of the base rootfs, so that the overlay's upper directory holds exactly
 * what the toolchain adds. That directory, with overlayfs' whiteouts turned into the image
 * format's, becomes the layer. Several targets build at once, each on its own overlay.
 */
final class ToolchainLayerStep {

  /** The layer and the version of the compiler it holds ({@code gcc -dumpfullversion}). */
  record Result(LayerFile layer, String compilerVersion) {}

  private final Path workDir;
  private final Consumer<String> progress;

  ToolchainLayerStep(Path workDir, Consumer<String> progress) {
    this.workDir = workDir;
    this.progress = progress;
  }

  /**
   * The layer of {@code source} over {@code base}, made unless a layer with the same {@code key}
   * was made before (the key covers the base image, the recipe and the source).
   */
  Result ensure(
      ImageRecipe recipe, Path base, ToolchainSource source, String key, boolean rebuild) {
    String target = source.toolchain().name();
    Path layer = workDir.resolve("layers").resolve("toolchain-" + target + "-" + key + ".tar");
    Path versionFile = layer.resolveSibling(layer.getFileName() + ".version");
    try {
      if (!rebuild && Files.isRegularFile(layer) && Files.isRegularFile(versionFile)) {
        return new Result(LayerFile.of(layer), Files.readString(versionFile).trim());
      }
      Files.createDirectories(layer.getParent());
      Path work = Files.createTempDirectory(workDir, "toolchain-" + target + "-");
      try {
        String version = install(recipe, base, source, work, layer);
        Files.writeString(versionFile, version + "\n");
        return new Result(LayerFile.of(layer), version);
      } finally {
        HostCommand.remove(work);
      }
    } catch (IOException e) {
      throw new ImageBuildException(
          target + ": cannot build the toolchain layer in " + workDir + ": " + e.getMessage(), e);
    }
  }

  private String install(
      ImageRecipe recipe, Path base, ToolchainSource source, Path work, Path layer)
      throws IOException {
    String target = source.toolchain().name();
    Path upper = Files.createDirectories(work.resolve("upper"));
    Path merged = Files.createDirectories(work.resolve("merged"));
    Files.createDirectories(work.resolve("work"));
    Path log = workDir.resolve("toolchain-" + target + ".log");
    Files.deleteIfExists(log);
    HostCommand.run(
        List.of(
            "mount",
            "-t",
            "overlay",
            "overlay",
            "-o",
            "lowerdir=" + base + ",upperdir=" + upper + ",workdir=" + work.resolve("work"),
            merged.toString()),
        log,
        1);
    String version;
    try {
      if (source.archive() != null) {
        progress.accept(target + ": laying " + source.archive().file() + " into /opt");
        HostCommand.run(
            List.of(
                "tar",
                "-xf",
                source.archive().file().toString(),
                "-C",
                merged.resolve("opt").toString()),
            log,
            10);
      } else {
        aptInstall(merged, source.packages(), target, log);
      }
      String gcc = source.installation().executable("gcc").toString();
      if (!Files.isExecutable(merged.resolve(gcc.substring(1)))) {
        throw new ImageBuildException(
            target
                + ": "
                + gcc
                + " is not in the image"
                + (source.archive() != null
                    ? " once "
                        + source.archive().file()
                        + " is unpacked into /opt: is it the "
                        + target
                        + " x-tools tarball?"
                    : ""));
      }
      version =
          HostCommand.output(List.of("chroot", merged.toString(), gcc, "-dumpfullversion"), log, 1)
              .trim();
    } finally {
      HostCommand.run(List.of("umount", merged.toString()), log, 1);
    }
    whiteouts(upper);
    progress.accept(target + ": gcc " + version + "; writing the toolchain layer");
    Path tmp = layer.resolveSibling(layer.getFileName() + ".tmp");
    List<String> tar =
        new ArrayList<>(List.of("tar", "-C", upper.toString(), "--numeric-owner", "--sort=name"));
    tar.addAll(LayerFile.excludes(recipe));
    tar.addAll(
        List.of("--exclude=./etc/resolv.conf", "--exclude=./tmp/*", "-cf", tmp.toString(), "."));
    HostCommand.run(tar, log, 10);
    Files.move(tmp, layer, StandardCopyOption.ATOMIC_MOVE);
    return version;
  }

  private void aptInstall(Path root, List<String> packages, String target, Path log)
      throws IOException {
    // the chroot resolves the mirror with this machine's resolver; the copy never enters a layer
    Files.copy(
        Path.of("/etc/resolv.conf"),
        root.resolve("etc/resolv.conf"),
        StandardCopyOption.REPLACE_EXISTING);
    List<String> apt =
        List.of(
            "chroot",
            root.toString(),
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "-q",
            "-y");
    if (!hasPackageLists(root)) {
      progress.accept(target + ": apt-get update (the base's package lists are not kept)");
      HostCommand.run(concat(apt, List.of("update")), log, 10);
    }
    progress.accept(target + ": installing " + String.join(", ", packages) + "; log: " + log);
    HostCommand.run(
        concat(apt, concat(List.of("install", "--no-install-recommends"), packages)), log, 30);
  }

  private static boolean hasPackageLists(Path root) throws IOException {
    Path lists = root.resolve("var/lib/apt/lists");
    if (!Files.isDirectory(lists)) {
      return false;
    }
    try (Stream<Path> files = Files.list(lists)) {
      return files.anyMatch(f -> f.getFileName().toString().endsWith("_Packages"));
    }
  }

  /**
   * overlayfs marks a deleted file with a 0/0 character device; the image format with an empty
   * {@code .wh.NAME} beside it.
   */
  private static void whiteouts(Path upper) throws IOException {
    List<Path> marks;
    try (Stream<Path> all = Files.walk(upper)) {
      marks = all.filter(ToolchainLayerStep::isWhiteout).toList();
    }
    for (Path mark : marks) {
      Files.delete(mark);
      Files.createFile(mark.resolveSibling(".wh." + mark.getFileName()));
    }
  }

  private static boolean isWhiteout(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      long rdev = (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
      return (mode & 0170000) == 0020000 && rdev == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
