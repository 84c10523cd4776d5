package dev.crossfarm.daemon.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Reads distcc packets from a peer: a 4-byte token, 8 hex digits, maybe a body. Bodies can be
 * copied straight to a file so a large source never sits in memory.
 *
 * <p>Every read is bounded by the socket's read timeout; this reader adds nothing on top but a
 * counter of bytes taken, so the caller can report them.
 */
public final class ProtocolReader {

  private static final int HEADER = 12;

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private long bytesRead;

  public ProtocolReader(InputStream in) {
    this.in = in;
  }

  /** Bytes taken from the peer so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * Reads a packet header and checks its token.
   *
   * @return the parameter, 0 to 0xFFFFFFFF
   * @throws EOFException when the peer closed the connection before the header
   * @throws ProtocolException when the token differs or the parameter is not hex
   */
  public long readParameter(String expectedToken) throws IOException {
    fill(HEADER);
    String token = new String(buffer, position, 4, StandardCharsets.ISO_8859_1);
    if (!token.equals(expectedToken)) {
      throw new ProtocolException(
          "expected " + expectedToken + " but the client sent '" + printable(token) + "'");
    }
    long value = parseHex(buffer, position + 4, expectedToken);
    position += HEADER;
    return value;
  }

  /**
   * The 8-digit field as stock's reader takes it ({@code strtoul} semantics on a fixed width):
   * leading spaces allowed, upper- or lower-case hex, nothing else.
   */
  static long parseHex(byte[] b, int offset, String token) throws ProtocolException {
    long value = 0;
    int i = 0;
    while (i < 8 && b[offset + i] == ' ') {
      i++;
    }
    if (i == 8) {
      throw new ProtocolException(token + " has an empty parameter");
    }
    for (; i < 8; i++) {
      int digit = Character.digit(b[offset + i], 16);
      if (digit < 0) {
        throw new ProtocolException(
            token
                + " parameter is not 8 hex digits: '"
                + printable(new String(b, offset, 8, StandardCharsets.ISO_8859_1))
                + "'");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /** Reads one byte that is not part of a packet (the {@code --auth} handshake's). */
  public int readByte() throws IOException {
    fill(1);
    return buffer[position++] & 0xff;
  }

  /** A packet header: its token and parameter. */
  public record Header(String token, long parameter) {}

  /** Reads a packet header whatever its token (the caller checks it against what may come). */
  public Header readHeader() throws IOException {
    fill(HEADER);
    String token = new String(buffer, position, 4, StandardCharsets.ISO_8859_1);
    long value = parseHex(buffer, position + 4, printable(token));
    position += HEADER;
    return new Header(token, value);
  }

  /** Reads a body of {@code length} bytes into memory; the caller has bounded the length. */
  public byte[] readBody(int length) throws IOException {
    byte[] body = new byte[length];
    int done = 0;
    while (done < length) {
      if (position == limit) {
        refill();
      }
      int n = Math.min(length - done, limit - position);
      System.arraycopy(buffer, position, body, done, n);
      position += n;
      done += n;
    }
    return body;
  }

  /** Copies a body of {@code length} bytes to {@code out} through this reader's buffer. */
  public void copyBody(long length, OutputStream out) throws IOException {
    long left = length;
    while (left > 0) {
      if (position == limit) {
        refill();
      }
      int n = (int) Math.min(left, limit - position);
      out.write(buffer, position, n);
      position += n;
      left -= n;
    }
  }

  /** Reads and drops a body of {@code length} bytes. */
  public void skipBody(long length) throws IOException {
    copyBody(length, OutputStream.nullOutputStream());
  }

  /**
   * True when the peer has closed its side: checked while a compile runs, so a client that gave up
   * does not keep a compiler busy. Waits at most a millisecond; bytes that arrive are kept.
   */
  public boolean peerClosed(Socket socket) throws IOException {
    if (position < limit) {
      return false;
    }
    int saved = socket.getSoTimeout();
    socket.setSoTimeout(1);
    try {
      if (limit == buffer.length) {
        position = limit = 0;
      }
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n < 0) {
        return true;
      }
      limit += n;
      bytesRead += n;
      return false;
    } catch (SocketTimeoutException stillThere) {
      return false;
    } finally {
      socket.setSoTimeout(saved);
    }
  }

  private void fill(int needed) throws IOException {
    if (limit - position >= needed) {
      return;
    }
    System.arraycopy(buffer, position, buffer, 0, limit - position);
    limit -= position;
    position = 0;
    while (limit < needed) {
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n < 0) {
        // a client that goes away mid-request has disconnected (stock: CLI_DISCONN), it did not
        // send a bad request
        throw new EOFException(
            limit == 0
                ? "the client closed the connection"
                : "the client closed the connection inside a packet header");
      }
      limit += n;
      bytesRead += n;
    }
  }

  private void refill() throws IOException {
    position = 0;
    limit = 0;
    int n = in.read(buffer, 0, buffer.length);
    if (n < 0) {
      throw new EOFException("the client closed the connection inside a packet body");
    }
    limit = n;
    bytesRead += n;
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return b.toString();
  }
}
