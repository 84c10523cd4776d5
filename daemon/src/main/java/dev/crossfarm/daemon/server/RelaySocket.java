package dev.crossfarm.daemon.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volunteer's Unix socket for jobs that came over SSH ({@code --relay-socket}): {@code farm
 * ssh-commands}' relay hands each job to it. sshd has let those clients in, so they are served as
 * an {@code --inetd} volunteer serves them, outside the allow-list; that is why the socket is open
 * to its owner and group only (mode 0660), whatever {@code --allow} says about loopback.
 */
final class RelaySocket implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("dcc_listen");

  private final Path path;
  private ServerSocketChannel server;

  RelaySocket(Path path) {
    this.path = path.toAbsolutePath();
  }

  /** Binds the socket (replacing a stale one) and hands every connection to {@code serve}. */
  void start(Consumer<SocketChannel> serve) throws IOException {
    Files.createDirectories(path.getParent());
    if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
      Files.delete(path); // a socket a stopped volunteer left behind
    }
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
    Thread t =
        new Thread(
            () -> {
              while (server.isOpen()) {
                try {
                  serve.accept(server.accept());
                } catch (IOException e) {
                  if (server.isOpen()) {
                    log.error("relay socket: accept failed: {}", e.getMessage());
                  }
                }
              }
            },
            "relay-accept");
    t.setDaemon(true);
    t.start();
    log.info("SSH relays on {} (mode 0660: this user and its group)", path);
  }

  /** A connection's input, read straight from the channel (no blocking lock shared with writes). */
  static InputStream in(SocketChannel ch) {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
      }
    };
  }

  /** A connection's output, written straight to the channel. */
  static OutputStream out(SocketChannel ch) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
      Files.deleteIfExists(path);
    }
  }
}
