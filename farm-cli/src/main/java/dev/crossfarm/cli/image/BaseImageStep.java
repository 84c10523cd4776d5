package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The base every volunteer image of a suite shares: a Debian minbase rootfs made by {@code
 * debootstrap} with the recipe's packages, the daemon's runtime, user and directories, imported
 * into the engine as one layer. The rootfs stays in the work directory: toolchain layers are
 * installed over it. No registry is involved: packages come from a Debian mirror.
 */
final class BaseImageStep {

  private final String mirror;
  private final Consumer<String> progress;

  BaseImageStep(String mirror, Consumer<String> progress) {
    this.mirror = mirror;
    this.progress = progress;
  }

  /** Builds {@code rootfs} (replacing it) and imports it as {@code reference}. */
  void build(ImageRecipe recipe, String suite, Path runtime, Path rootfs, String reference) {
    Path tmp = rootfs.resolveSibling(rootfs.getFileName() + ".tmp");
    Path log = rootfs.resolveSibling("debootstrap-" + suite + ".log");
    HostCommand.remove(tmp);
    HostCommand.remove(rootfs);
    List<String> packages = recipe.packagesFor(suite);
    progress.accept(
        "debootstrap "
            + suite
            + " (minbase + "
            + String.join(", ", packages)
            + ") from "
            + mirror
            + "; log: "
            + log);
    List<String> debootstrap = new ArrayList<>(List.of("debootstrap", "--variant=minbase"));
    if (!packages.isEmpty()) {
      debootstrap.add("--include=" + String.join(",", packages));
    }
    debootstrap.addAll(List.of(suite, tmp.toString(), mirror));
    try {
      Files.deleteIfExists(log);
      HostCommand.run(debootstrap, log, 30);
      Path runtimeInImage = tmp.resolve(recipe.runtime().dir().substring(1));
      Files.createDirectories(runtimeInImage.getParent());
      HostCommand.run(List.of("cp", "-a", runtime.toString(), runtimeInImage.toString()), log, 5);
      addUser(tmp, recipe.user());
      for (ImageRecipe.Directory d : recipe.directories()) {
        Path dir = Files.createDirectories(tmp.resolve(d.path().substring(1)));
        HostCommand.run(List.of("chown", d.owner() + ":" + d.owner(), dir.toString()), log, 1);
        HostCommand.run(List.of("chmod", d.mode(), dir.toString()), log, 1);
      }
      Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      HostCommand.remove(tmp);
      throw new ImageBuildException("cannot prepare the base rootfs: " + e.getMessage(), e);
    } catch (ImageBuildException e) {
      HostCommand.remove(tmp);
      throw e;
    }
    progress.accept("importing the base as " + reference);
    List<String> tar = new ArrayList<>(List.of("tar", "-C", rootfs.toString(), "--numeric-owner"));
    tar.addAll(LayerFile.excludes(recipe));
    tar.addAll(List.of("-cf", "-", "."));
    HostCommand.pipe(tar, List.of("docker", "import", "-", reference), log, 20);
  }

  /** The volunteer's unprivileged user, written into the rootfs: no useradd needed. */
  private static void addUser(Path root, ImageRecipe.User user) throws IOException {
    Files.writeString(
        root.resolve("etc/passwd"),
        user.name()
            + ":x:"
            + user.id()
            + ":"
            + user.id()
            + ":crossfarm volunteer:/nonexistent:/usr/sbin/nologin\n",
        StandardOpenOption.APPEND);
    Files.writeString(
        root.resolve("etc/group"),
        user.name() + ":x:" + user.id() + ":\n",
        StandardOpenOption.APPEND);
  }
}
