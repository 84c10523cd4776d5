package dev.crossfarm.cli.generate;

import dev.crossfarm.toolchain.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stock distccd's compiler whitelist (3.3+): it runs a compiler only if {@code
 * /usr/lib/distcc/NAME} exists, and distro packages make those links point at the distcc binary.
 * This makes {@code TRIPLE-{c++,cc,clang,clang++,cpp,g++,gcc}} for every triple (Debian's and Arch
 * Linux ARM's) of each target. Existing links to the same place are left alone; anything else there
 * is refused.
 */
public final class WhitelistSymlinks {

  /** The names stock's whitelist holds per triple. */
  public static final List<String> TOOLS =
      List.of("c++", "cc", "clang", "clang++", "cpp", "g++", "gcc");

  private WhitelistSymlinks() {}

  /** What would happen to one name. */
  public enum Action {
    CREATE,
    PRESENT
  }

  public record Link(Path path, Action action) {}

  /**
   * Plans the links, refusing before anything is written if one name is taken by something else.
   */
  public static List<Link> plan(List<Toolchain> toolchains, Path dir, Path distcc) {
    List<Link> links = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    for (Toolchain t : toolchains) {
      for (String triple : t.triples()) {
        for (String tool : TOOLS) {
          Path link = dir.resolve(triple + "-" + tool);
          if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            links.add(new Link(link, Action.CREATE));
          } else if (pointsTo(link, distcc)) {
            links.add(new Link(link, Action.PRESENT));
          } else {
            conflicts.add(link.toString());
          }
        }
      }
    }
    if (!conflicts.isEmpty()) {
      throw new IllegalStateException(
          "refusing to replace what is not a link to "
              + distcc
              + ": "
              + String.join(", ", conflicts));
    }
    return links;
  }

  public static void apply(List<Link> links, Path distcc) throws IOException {
    for (Link l : links) {
      if (l.action() == Action.CREATE) {
        Files.createDirectories(l.path().getParent());
        Files.createSymbolicLink(l.path(), distcc);
      }
    }
  }

  private static boolean pointsTo(Path link, Path distcc) {
    try {
      return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(distcc);
    } catch (IOException e) {
      return false;
    }
  }
}
