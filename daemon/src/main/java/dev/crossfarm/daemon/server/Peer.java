package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.protocol.ProtocolReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * The client end of one job: a TCP socket of the daemon, or the standard input and output that sshd
 * or inetd gives an {@code --inetd} volunteer. A connection reads and writes through it and never
 * needs to know which.
 */
interface Peer {

  InputStream in() throws IOException;

  OutputStream out() throws IOException;

  /**
   * The client's address for the log and the allow-list; an unresolved address names a client
   * without one (a pipe from sshd that did not say who connected).
   */
  InetSocketAddress address();

  /**
   * Whether the allow-list decides who may compile. A client over SSH was let in by sshd (stock:
   * "for ssh connections the client comes from a unix-domain socket and that's always allowed").
   */
  boolean screenedByAllowList();

  /**
   * True once the client has gone away: asked while its compile runs, so a client that gave up does
   * not keep a compiler busy. Returns at once.
   */
  boolean closed(ProtocolReader reader) throws IOException;
}
