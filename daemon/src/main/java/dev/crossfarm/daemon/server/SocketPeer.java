package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.protocol.ProtocolReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A client on a TCP socket: the daemon's accepted connections, or inetd's socket on stdin. */
record SocketPeer(Socket socket) implements Peer {

  @Override
  public InputStream in() throws IOException {
    return socket.getInputStream();
  }

  @Override
  public OutputStream out() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getRemoteSocketAddress();
  }

  @Override
  public boolean screenedByAllowList() {
    return true;
  }

  @Override
  public boolean closed(ProtocolReader reader) throws IOException {
    return reader.peerClosed(socket);
  }
}
