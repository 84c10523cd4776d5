package dev.crossfarm.daemon.it;

import dev.crossfarm.daemon.protocol.ClientWire;
import dev.crossfarm.daemon.protocol.ClientWire.FileEntry;
import dev.crossfarm.daemon.protocol.ProtocolReader;
import dev.crossfarm.daemon.protocol.ProtocolWriter;
import dev.crossfarm.harness.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
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

  static byte[] request(String cwd, List<String> argv, List<FileEntry> files) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePump(new ProtocolWriter(wire), cwd, argv, files);
    return wire.toByteArray();
  }

  static ClientWire.Reply send(int port, byte[] wire) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(120_000);
      OutputStream out = s.getOutputStream();
      out.write(wire);
      out.flush();
      return ClientWire.readReply(new ProtocolReader(s.getInputStream()), 1 << 28);
    }
  }

  /** The source and every header it includes, as gcc -M lists them, as file entries. */
  static List<FileEntry> closure(Path cwd, List<String> cppFlags, String source)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-M"));
    cmd.addAll(cppFlags);
    cmd.add(source);
    String deps = Peers.run(cwd, Map.of(), 60, cmd).ok("gcc -M").out();
    List<FileEntry> entries = new ArrayList<>();
    String all = deps.replace("\\\n", " ");
    for (String word : all.substring(all.indexOf(':') + 1).trim().split("\\s+")) {
      Path p = cwd.resolve(word).normalize();
      entries.add(FileEntry.file(p.toString(), Files.readAllBytes(p)));
    }
    return entries;
  }
}
