package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.protocol.ProtocolReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * A client on a pair of pipes: {@code ssh HOST farm daemon --inetd}, where sshd hands the volunteer
 * its end of the session as stdin and stdout. sshd has authenticated the client already, so the
 * allow-list does not apply (as in stock distccd). Reads keep the TCP daemon's io timeout through
 * {@link TimedInput}.
 */
final class PipePeer implements Peer {

  private final TimedInput in;
  private final OutputStream out;
  private final InetSocketAddress address;

  /**
   * @param sshConnection the value of {@code SSH_CONNECTION} ("client-ip client-port server-ip
   *     server-port"), or null: it names the client in the log
   */
  PipePeer(InputStream in, OutputStream out, Duration ioTimeout, String sshConnection) {
    this.in = new TimedInput(in, ioTimeout);
    this.out = out;
    this.address = clientOf(sshConnection);
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public boolean screenedByAllowList() {
    return false;
  }

  @Override
  public boolean closed(ProtocolReader reader) {
    return in.ended();
  }

  static InetSocketAddress clientOf(String sshConnection) {
    if (sshConnection != null) {
      String[] words = sshConnection.trim().split("\\s+");
      if (words.length >= 2 && words[0].matches("[0-9A-Fa-f:.]+") && words[1].matches("\\d{1,5}")) {
        try {
          return new InetSocketAddress(InetAddress.getByName(words[0]), Integer.parseInt(words[1]));
        } catch (UnknownHostException | IllegalArgumentException e) {
          // not an address after all: the client is named as a pipe
        }
      }
    }
    return InetSocketAddress.createUnresolved("pipe", 0);
  }
}
