package dev.crossfarm.toolchain;

import java.nio.file.Path;
import java.util.List;

/**
 * One place a target's toolchain can be installed: the path prefix its tools share (a tool's
 * executable is {@code prefix + tool}, e.g. {@code /usr/bin/aarch64-linux-gnu-gcc}) and the Debian
 * packages that put it there (empty for an official tarball laid into {@code /opt/x-tools*}).
 */
public record Installation(String prefix, List<String> packages) {

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
