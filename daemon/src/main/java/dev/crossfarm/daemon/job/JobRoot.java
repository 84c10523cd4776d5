package dev.crossfarm.daemon.job;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's file system as a pump job sees it, recreated under one directory of the job: a
 * client path {@code /home/u/src/a.c} lives at {@code ROOT/home/u/src/a.c}. Every name and link
 * target the client sends is untrusted: nothing may be written, read or linked outside the root.
 *
 * <ul>
 *   <li>Names are absolute and plain: no {@code .} or {@code ..} segment, no NUL.
 *   <li>Parents are real directories made here: a path through a symbolic link is refused, so a
 *       link the client sent can never be written through.
 *   <li>Files and links are created exclusively: a duplicate name, a file over a directory or a
 *       directory over a file is refused.
 *   <li>Absolute link targets are re-rooted; relative ones may only climb ({@code ../}) at their
 *       start and never above the root. Without {@code ..} after a name, following any chain of
 *       such links stays in the root.
 * </ul>
 */
public final class JobRoot implements RequestReader.FileSink<JobRefusedException> {

  /** The placeholder name of the client's include server for a directory that must exist. */
  public static final String DIRECTORY_PLACEHOLDER = "forcing_technique_271828";

  private final Path root;

  public JobRoot(Path root) throws IOException {
    Files.createDirectory(root);
    this.root = root;
  }

  public Path path() {
    return root;
  }

  /** Where a client path lives in the root; the path is checked first. */
  public Path resolve(String clientPath) throws JobRefusedException {
    List<String> segments = segments(clientPath, "path");
    Path p = root;
    for (String s : segments) {
      p = p.resolve(s);
    }
    return p;
  }

  /** Creates the client's working directory (and its parents) in the root. */
  public Path workingDirectory(String clientCwd) throws JobRefusedException, IOException {
    Path dir = resolve(clientCwd);
    makeDirectories(dir);
    return dir;
  }

  /** Opens a new file for a NAME; its contents are written by the caller. */
  @Override
  public OutputStream createFile(String clientPath) throws JobRefusedException, IOException {
    Path file = resolve(clientPath);
    makeDirectories(file.getParent());
    try {
      return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw refuse(clientPath, "is sent twice, or names a directory that already exists");
    }
  }

  /** Creates a LINK entry, re-rooting an absolute target. */
  @Override
  public void createLink(String clientPath, String target) throws JobRefusedException, IOException {
    Path link = resolve(clientPath);
    Path to = linkTarget(clientPath, target);
    makeDirectories(link.getParent());
    try {
      Files.createSymbolicLink(link, to);
    } catch (FileAlreadyExistsException e) {
      throw refuse(clientPath, "is sent twice, or names a directory that already exists");
    }
  }

  /** What a link's target becomes under the root, or a refusal if it could lead outside. */
  Path linkTarget(String clientPath, String target) throws JobRefusedException {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw refuse(clientPath, "links to an empty or malformed target");
    }
    if (target.startsWith("/")) {
      return resolve(target);
    }
    int depth = segments(clientPath, "path").size() - 1; // the link's directory, from the root
    String[] parts = target.split("/+");
    boolean climbing = true;
    for (String part : parts) {
      if (part.equals("..")) {
        if (!climbing || --depth < 0) {
          throw refuse(clientPath, "links to " + target + ", which leads outside the job");
        }
      } else if (part.equals(".") || part.isEmpty()) {
        throw refuse(clientPath, "links to " + target + ", which is not a plain relative path");
      } else {
        climbing = false;
      }
    }
    return Path.of(target);
  }

  /** Plain absolute path segments, or a refusal naming what is wrong. */
  static List<String> segments(String clientPath, String what) throws JobRefusedException {
    if (!clientPath.startsWith("/") || clientPath.indexOf('\0') >= 0) {
      throw refuse(clientPath, "is not an absolute " + what);
    }
    List<String> segments = new ArrayList<>();
    for (String s : clientPath.split("/")) {
      if (s.isEmpty()) {
        continue;
      }
      if (s.equals(".") || s.equals("..")) {
        throw refuse(clientPath, "has a '" + s + "' segment: names must be plain absolute paths");
      }
      segments.add(s);
    }
    return segments;
  }

  /** mkdir -p inside the root, refusing to go through anything but a real directory. */
  private void makeDirectories(Path dir) throws JobRefusedException, IOException {
    Path rel = root.relativize(dir);
    Path p = root;
    for (Path part : rel) {
      if (part.toString().isEmpty()) {
        continue;
      }
      p = p.resolve(part);
      if (Files.isSymbolicLink(p)) {
        throw refuse("/" + root.relativize(p), "is a link: nothing is written through a link");
      }
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw refuse("/" + root.relativize(p), "is a file, and another file is sent inside it");
        }
      } else {
        Files.createDirectory(p);
      }
    }
  }

  private static JobRefusedException refuse(String clientPath, String why) {
    return new JobRefusedException(ExitCode.BAD_ARGUMENTS, "refused '" + clientPath + "': " + why);
  }
}
