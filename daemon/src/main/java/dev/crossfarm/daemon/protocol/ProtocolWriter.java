package dev.crossfarm.daemon.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes distcc packets: the token, its parameter as 8 lower-case hex digits, and a body. Items
 * that protocol 2 compresses go through {@link #writeItem}; a zero-length item is always parameter
 * 0 with no body, compressed or not.
 */
public final class ProtocolWriter {

  private final OutputStream out;
  private final byte[] header = new byte[12];
  private long bytesWritten;

  /** {@code out} should be buffered: headers are written as small separate writes. */
  public ProtocolWriter(OutputStream out) {
    this.out = out;
  }

  public long bytesWritten() {
    return bytesWritten;
  }

  public void writeToken(String token, long parameter) throws IOException {
    if (parameter < 0 || parameter > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(token + " parameter out of range: " + parameter);
    }
    for (int i = 0; i < 4; i++) {
      header[i] = (byte) token.charAt(i);
    }
    for (int i = 11; i >= 4; i--) {
      header[i] = (byte) Character.forDigit((int) (parameter & 0xf), 16);
      parameter >>>= 4;
    }
    out.write(header);
    bytesWritten += header.length;
  }

  /** Bytes outside any packet (the {@code --auth} handshake's). */
  public void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    bytesWritten += bytes.length;
  }

  /** A token with a string body, e.g. {@code ARGV}. */
  public void writeString(String token, String value) throws IOException {
    writeItem(token, value.getBytes(StandardCharsets.UTF_8), false);
  }

  /** A token with a body, LZO-compressed when {@code compress} is set. */
  public void writeItem(String token, byte[] body, boolean compress) throws IOException {
    writeItem(token, body, body.length, compress);
  }

  public void writeItem(String token, byte[] body, int length, boolean compress)
      throws IOException {
    if (length == 0) {
      writeToken(token, 0);
      return;
    }
    Lzo.Block wire = compress ? Lzo.compressBlock(body, length) : new Lzo.Block(body, length);
    writeToken(token, wire.length());
    out.write(wire.bytes(), 0, wire.length());
    bytesWritten += wire.length();
  }

  /** A token whose body is a file's contents; a missing file is an empty item. */
  public void writeFile(String token, Path file, boolean compress) throws IOException {
    if (!Files.exists(file)) {
      writeToken(token, 0);
      return;
    }
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 64) {
      throw new IOException(file.getFileName() + " is too large to send: " + size + " bytes");
    }
    if (compress || size == 0) {
      writeItem(token, Files.readAllBytes(file), compress);
      return;
    }
    writeToken(token, size);
    bytesWritten += Files.copy(file, out);
  }

  public void flush() throws IOException {
    out.flush();
  }
}
