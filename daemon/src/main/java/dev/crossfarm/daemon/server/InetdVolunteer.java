package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.log.JobSummary;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A volunteer for exactly one client on standard input and output ({@code --inetd}): how sshd runs
 * it for {@code DISTCC_HOSTS=@host}, and how inetd or a systemd socket unit with {@code Accept=yes}
 * would. It serves with the TCP daemon's catalog, argument policy, limits, logging and object
 * check, then removes its job root.
 */
public final class InetdVolunteer {

  private static final Logger log = LoggerFactory.getLogger("dcc_inetd");

  private final DaemonConfig config;
  private final ToolchainCatalog catalog;
  private final Consumer<JobSummary> summaries;

  public InetdVolunteer(
      DaemonConfig config, ToolchainCatalog catalog, Consumer<JobSummary> summaries) {
    this.config = config;
    this.catalog = catalog;
    this.summaries = summaries;
  }

  /**
   * Serves the one job on {@code in} and {@code out}. When the JVM inherited a socket as its
   * standard input (inetd), the job is served on that socket and the allow-list applies; on pipes
   * (sshd) the client was authenticated by sshd and is named by {@code sshConnection}.
   */
  public void serve(InputStream in, OutputStream out, String sshConnection) throws IOException {
    ProcessPriority.setOrWarn(config.nice());
    Connection.Services services =
        Connection.Services.of(config, catalog, new RunningJobs(System::nanoTime), summaries);
    try {
      Peer peer = inheritedSocket();
      if (peer == null) {
        peer = new PipePeer(in, out, config.ioTimeout(), sshConnection);
      }
      new Connection(peer, services).serve();
    } finally {
      services.directories().removeRoot();
    }
  }

  private Peer inheritedSocket() throws IOException {
    Channel inherited = System.inheritedChannel();
    // a socket pair (the stock client's own transport, or sshd's) is a pipe here: no address
    if (inherited instanceof SocketChannel channel
        && channel.getRemoteAddress() instanceof InetSocketAddress) {
      channel.configureBlocking(true);
      channel
          .socket()
          .setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.ioTimeout().toMillis()));
      log.debug("standard input is a socket from {}", channel.getRemoteAddress());
      return new SocketPeer(channel.socket());
    }
    return null;
  }
}
