package dev.crossfarm.front;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Bytes kept once, to be sent again: a request (re-sent exactly when a volunteer fails) or a reply
 * (checked whole before the client sees any of it). Small ones stay in memory; past {@code
 * inMemory} bytes they move to a file of their own in {@code dir}, so a front holding hundreds of
 * jobs stays within a bounded heap whatever their size. Closing removes the file.
 */
final class Spool extends OutputStream {

  private final Path dir;
  private final int inMemory;
  private byte[] bytes = new byte[8192];
  private int size;
  private Path file;
  private OutputStream fileOut;
  private long length;

  Spool(Path dir, int inMemory) {
    this.dir = dir;
    this.inMemory = inMemory;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (fileOut == null && size + len > inMemory) {
      spill();
    }
    if (fileOut != null) {
      fileOut.write(b, off, len);
    } else {
      if (size + len > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.min(inMemory, Math.max(size + len, bytes.length * 2)));
      }
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
    length += len;
  }

  private void spill() throws IOException {
    Files.createDirectories(dir);
    file = Files.createTempFile(dir, "job-", ".spool");
    fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
    fileOut.write(bytes, 0, size);
    bytes = null;
    size = 0;
  }

  /** Bytes written so far. */
  long length() {
    return length;
  }

  /** Whether the bytes moved to a file. */
  boolean onDisk() {
    return file != null;
  }

  /** Writes every byte kept, in order, to {@code out} (and flushes it); may be called again. */
  void replay(OutputStream out) throws IOException {
    if (fileOut != null) {
      fileOut.flush();
      Files.copy(file, out);
    } else {
      out.write(bytes, 0, size);
    }
    out.flush();
  }

  /** Forgets the bytes; the spool can be written again from the start. */
  void reset() throws IOException {
    close();
    bytes = new byte[8192];
    size = 0;
    length = 0;
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
      fileOut = null;
      Files.deleteIfExists(file);
      file = null;
    }
  }
}
