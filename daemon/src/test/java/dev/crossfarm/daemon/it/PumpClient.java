package dev.crossfarm.daemon.it;

import dev.crossfarm.daemon.protocol.Lzo;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A protocol 3 (pump) client on the project's codec, standing in for Debian's pump client, whose
 * include server is broken on Python 3.11: the files it sends are a source's header closure as
 * {@code gcc -M} finds it.
 */
final class PumpClient {

  private PumpClient() {}

  /** One file entry: contents, or a link target. */
  record Entry(String name, byte[] content, String link) {
    static Entry file(String name, byte[] content) {
      return new Entry(name, content, null);
    }

    static Entry link(String name, String target) {
      return new Entry(name, null, target);
    }
  }

  /** A parsed pump reply; {@code dependencies} is null when no DOTD came. */
  record Reply(int status, String stderr, byte[] object, byte[] dependencies) {}

  static byte[] request(String cwd, List<String> argv, List<Entry> files) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ProtocolWriter out = new ProtocolWriter(wire);
    out.writeToken("DIST", 3);
    out.writeString("CDIR", cwd);
    out.writeToken("ARGC", argv.size());
    for (String a : argv) {
      out.writeString("ARGV", a);
    }
    out.writeToken("NFIL", files.size());
    for (Entry e : files) {
      out.writeString("NAME", e.name());
      if (e.link() != null) {
        out.writeString("LINK", e.link());
      } else {
        out.writeItem("FILE", e.content(), true);
      }
    }
    out.flush();
    return wire.toByteArray();
  }

  static Reply send(int port, byte[] wire) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(120_000);
      OutputStream out = s.getOutputStream();
      out.write(wire);
      out.flush();
      ProtocolReader in = new ProtocolReader(s.getInputStream());
      in.readParameter("DONE");
      int status = (int) in.readParameter("STAT");
      String err = new String(body(in, "SERR"), StandardCharsets.UTF_8);
      body(in, "SOUT");
      byte[] object = body(in, "DOTO");
      byte[] deps = status == 0 ? body(in, "DOTD") : null;
      return new Reply(status, err, object, deps);
    }
  }

  private static byte[] body(ProtocolReader in, String token) throws IOException {
    int n = (int) in.readParameter(token);
    byte[] raw = in.readBody(n);
    return n == 0 ? raw : Lzo.decompress(raw, n, 1 << 28);
  }

  /** The source and every header it includes, as gcc -M lists them, as file entries. */
  static List<Entry> closure(Path cwd, List<String> cppFlags, String source) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-M"));
    cmd.addAll(cppFlags);
    cmd.add(source);
    String deps = Tools.run(cwd, Map.of(), 60, cmd).ok("gcc -M").out();
    List<Entry> entries = new ArrayList<>();
    String all = deps.replace("\\\n", " ");
    for (String word : all.substring(all.indexOf(':') + 1).trim().split("\\s+")) {
      Path p = cwd.resolve(word).normalize();
      entries.add(Entry.file(p.toString(), Files.readAllBytes(p)));
    }
    return entries;
  }
}
