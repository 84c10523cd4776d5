package dev.crossfarm.daemon.it;

import dev.crossfarm.daemon.protocol.Lzo;
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

  /** A parsed reply. */
  record Reply(int version, int status, String stderr, byte[] object) {
    int exitCode() {
      return status >> 8 & 0xff;
    }
  }

  /** The bytes of a whole protocol 1 or 2 request. */
  static byte[] request(int version, List<String> argv, String source) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ProtocolWriter out = new ProtocolWriter(wire);
    out.writeToken("DIST", version);
    out.writeToken("ARGC", argv.size());
    for (String a : argv) {
      out.writeString("ARGV", a);
    }
    out.writeItem("DOTI", source.getBytes(StandardCharsets.UTF_8), version >= 2);
    out.flush();
    return wire.toByteArray();
  }

  /** Sends {@code wire} and reads a whole reply. */
  static Reply send(int port, byte[] wire) throws IOException {
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

  static Reply readReply(Socket s) throws IOException {
    ProtocolReader in = new ProtocolReader(s.getInputStream());
    int version = (int) in.readParameter("DONE");
    boolean lzo = version >= 2;
    int status = (int) in.readParameter("STAT");
    String err = new String(body(in, "SERR", lzo), StandardCharsets.UTF_8);
    body(in, "SOUT", lzo);
    byte[] object = body(in, "DOTO", lzo);
    return new Reply(version, status, err, object);
  }

  private static byte[] body(ProtocolReader in, String token, boolean lzo) throws IOException {
    int n = (int) in.readParameter(token);
    byte[] raw = in.readBody(n);
    return lzo && n > 0 ? Lzo.decompress(raw, n, 1 << 28) : raw;
  }

  /** A good job: must always work, before and after any abuse. */
  static Reply goodJob(int port, int version) throws IOException {
    return send(
        port,
        request(
            version,
            List.of("gcc", "-O2", "-c", "good.c", "-o", "good.o"),
            "int good(int x){return x*3;}\n"));
  }
}
