package dev.crossfarm.toolchain;

import java.nio.file.Path;
import java.util.List;

/**
 * One place a target's toolchain can be installed: the path prefix its tools share (a tool's
 * executable is {@code prefix + tool}, e.g. {@code /usr/bin/aarch64-linux-gnu-gcc}) and either the
 * Debian packages that put it there or the official tarball ({@code archive}: the directory it
 * unpacks to under {@code /opt}, with its sha256 when pinned).
 */
public record Installation(String prefix, List<String> packages, Archive archive) {

  /**
   * An official toolchain tarball (Arch Linux ARM's x-tools): {@code directory} is what it unpacks
   * to under /opt; {@code sha256} its pinned digest, or null where the catalog cannot pin it.
   */
  public record Archive(String directory, String sha256) {
    public Archive {
      if (directory == null || !directory.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "archive directory must be a plain name, not " + directory);
      }
      if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("archive sha256 must be 64 lower-case hex digits");
      }
    }
  }

  public Installation {
    if (prefix == null || !prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "installation prefix must be an absolute path ending in the tool prefix, e.g."
              + " /usr/bin/aarch64-linux-gnu-, not '"
              + prefix
              + "'");
    }
    packages = packages == null ? List.of() : List.copyOf(packages);
  }

  /** The executable of {@code tool} (gcc, g++, cpp) in this installation. */
  public Path executable(String tool) {
    return Path.of(prefix + tool);
  }
}
