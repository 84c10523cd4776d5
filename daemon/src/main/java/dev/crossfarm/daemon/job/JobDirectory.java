package dev.crossfarm.daemon.job;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A private directory for one job: the source, the object, the compiler's output and its temporary
 * files all live here (TMPDIR points here too), and all of it goes when the job ends, whatever
 * happened.
 */
public final class JobDirectory implements AutoCloseable {

  private final Path path;

  private JobDirectory(Path path) {
    this.path = path;
  }

  /** Creates directories for jobs under one root; the root is created owner-only. */
  public static final class Factory {
    private final Path root;
    private final AtomicLong counter = new AtomicLong();

    public Factory(Path root) throws IOException {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      this.root = root;
    }

    public Path root() {
      return root;
    }

    public JobDirectory create() throws IOException {
      Path dir = root.resolve("job-" + counter.incrementAndGet());
      Files.createDirectory(dir);
      return new JobDirectory(dir);
    }

    /** Removes the root and anything left in it (at shutdown). */
    public void removeRoot() throws IOException {
      deleteTree(root);
    }
  }

  public Path path() {
    return path;
  }

  /** A file directly inside this directory; {@code name} is the daemon's own, never a client's. */
  public Path file(String name) {
    return path.resolve(name);
  }

  @Override
  public void close() throws IOException {
    deleteTree(path);
  }

  /**
   * Deletes a tree without following links: a link the compiler made is removed, not its target.
   */
  static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
