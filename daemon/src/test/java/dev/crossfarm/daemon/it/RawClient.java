package dev.crossfarm.daemon.it;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A distcc client built on the project's codec, for what the stock client never sends: hostile
 * arguments, garbage, truncated and oversized requests. Replies are read exactly as stock reads
 * them.
 */
final class RawClient {

  private RawClient() {}

  /** The bytes of a whole plain request (protocol 1 or 2). */
  static byte[] request(int version, List<String> argv, String source) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePlain(
        new ProtocolWriter(wire), version, argv, source.getBytes(StandardCharsets.UTF_8));
    return wire.toByteArray();
  }

  /** Sends {@code wire} and reads a whole reply. */
  static ClientWire.Reply send(int port, byte[] wire) throws IOException {
    try (Socket s = connect(port)) {
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      out.write(wire);
      out.flush();
      return readReply(s);
    }
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(60_000);
    return s;
  }

  static ClientWire.Reply readReply(Socket s) throws IOException {
    return ClientWire.readReply(new ProtocolReader(s.getInputStream()), 1 << 28);
  }

  /** A good job: must always work, before and after any abuse. */
  static ClientWire.Reply goodJob(int port, int version) throws IOException {
    return send(
        port,
        request(
            version,
            List.of("gcc", "-O2", "-c", "good.c", "-o", "good.o"),
            "int good(int x){return x*3;}\n"));
  }
}
