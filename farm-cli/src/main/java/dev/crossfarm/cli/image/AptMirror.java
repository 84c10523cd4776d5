package dev.crossfarm.cli.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian mirror this machine's apt uses, read at run time from its sources (deb822 {@code
 * *.sources} files or one-line {@code sources.list}), so the repository never names a mirror.
 */
public final class AptMirror {

  private AptMirror() {}

  /** The first {@code deb} URI for {@code suite} in the machine's apt sources. */
  public static Optional<String> find(Path aptDir, String suite) {
    List<Path> files = new ArrayList<>();
    Path list = aptDir.resolve("sources.list");
    if (Files.isRegularFile(list)) {
      files.add(list);
    }
    Path d = aptDir.resolve("sources.list.d");
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
            .sorted()
            .forEach(files::add);
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    for (Path f : files) {
      try {
        String text = Files.readString(f);
        Optional<String> uri =
            f.toString().endsWith(".sources") ? fromDeb822(text, suite) : fromOneLine(text, suite);
        if (uri.isPresent()) {
          return uri;
        }
      } catch (IOException unreadable) {
        // try the next file
      }
    }
    return Optional.empty();
  }

  /** This machine's Debian release (VERSION_CODENAME of /etc/os-release), or bookworm. */
  public static String hostSuite() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("VERSION_CODENAME=")) {
          return line.substring("VERSION_CODENAME=".length()).replace("\"", "").trim();
        }
      }
    } catch (IOException e) {
      // not a Debian-like machine: the default suite's name is as good a guess as any
    }
    return "bookworm";
  }

  static Optional<String> fromDeb822(String text, String suite) {
    for (String stanza : text.split("\\n\\s*\\n")) {
      String types = field(stanza, "Types");
      String suites = field(stanza, "Suites");
      String uris = field(stanza, "URIs");
      if (types == null || suites == null || uris == null || stanza.contains("Enabled: no")) {
        continue;
      }
      if (List.of(types.split("\\s+")).contains("deb")
          && List.of(suites.split("\\s+")).contains(suite)) {
        return Optional.of(uris.split("\\s+")[0]);
      }
    }
    return Optional.empty();
  }

  private static String field(String stanza, String name) {
    for (String line : stanza.split("\\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  static Optional<String> fromOneLine(String text, String suite) {
    for (String line : text.split("\\n")) {
      String l = line.replaceAll("\\[[^]]*]", " ").trim();
      String[] w = l.split("\\s+");
      if (w.length >= 3 && w[0].equals("deb") && w[2].equals(suite)) {
        return Optional.of(w[1]);
      }
    }
    return Optional.empty();
  }
}
