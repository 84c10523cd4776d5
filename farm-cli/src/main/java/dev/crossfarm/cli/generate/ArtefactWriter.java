package dev.crossfarm.cli.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Writes generated files whole or not at all (a temporary file beside the target, then an atomic
 * move), and keeps a timestamped backup of a file it replaces with different content.
 */
public final class ArtefactWriter {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
  private final Clock clock;

  public ArtefactWriter(Clock clock) {
    this.clock = clock;
  }

  /** What happened to one file. */
  public enum Outcome {
    WRITTEN,
    UNCHANGED,
    REPLACED
  }

  /** Writes {@code content}; returns the backup's path when an older, different file was kept. */
  public Optional<Path> write(Path file, String content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Optional<Path> backup = Optional.empty();
    if (Files.exists(file)) {
      if (Files.readString(file).equals(content)) {
        return Optional.empty();
      }
      Path copy =
          file.resolveSibling(
              file.getFileName()
                  + ".crossfarm-backup-"
                  + STAMP.format(clock.instant().atZone(ZoneOffset.UTC)));
      Files.copy(
          file, copy, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
      backup = Optional.of(copy);
    }
    Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return backup;
  }
}
