package dev.crossfarm.daemon.protocol;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestReaderTest {

  @TempDir Path dir;

  private static final RequestLimits SMALL = new RequestLimits(16, 1024, 64 * 1024);

  private static byte[] request(int version, List<String> argv, byte[] source) throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ClientWire.writePlain(new ProtocolWriter(wire), version, argv, source);
    return wire.toByteArray();
  }

  private static RequestReader reader(byte[] wire, RequestLimits limits) {
    return new RequestReader(new ProtocolReader(new ByteArrayInputStream(wire)), limits);
  }

  private static RequestReader reader(String wire) {
    return reader(wire.getBytes(ISO_8859_1), SMALL);
  }

  @Test
  void readsAPlainRequestAndStreamsItsSourceToAFile() throws Exception {
    byte[] source = "int x;\n".getBytes(StandardCharsets.US_ASCII);
    RequestReader in = reader(request(1, List.of("gcc", "-c", "x.c", "-o", "x.o"), source), SMALL);
    assertEquals(1, in.readVersion());
    Request r = in.readArguments();
    assertEquals(List.of("gcc", "-c", "x.c", "-o", "x.o"), r.argv());
    in.readSource(dir.resolve("x.i"));
    assertArrayEquals(source, Files.readAllBytes(dir.resolve("x.i")));
  }

  @Test
  void decompressesTheSourceOfAnLzoRequest() throws Exception {
    byte[] source = "int y = 1;\nint y2 = 1;\nint y3 = 1;\n".repeat(50).getBytes(ISO_8859_1);
    RequestReader in = reader(request(2, List.of("gcc", "-c", "y.c"), source), SMALL);
    in.readVersion();
    in.readArguments();
    in.readSource(dir.resolve("y.i"));
    assertArrayEquals(source, Files.readAllBytes(dir.resolve("y.i")));
  }

  @Test
  void refusesVersionsAboveThreeAndZero() {
    assertThrows(ProtocolException.class, () -> reader("DIST00000004").readVersion());
    assertThrows(ProtocolException.class, () -> reader("DIST00000000").readVersion());
    assertThrows(ProtocolException.class, () -> reader("DISTffffffff").readVersion());
  }

  @Test
  void refusesHugeCountsAndLengthsBeforeAllocatingAnything() throws Exception {
    RequestReader argc = reader("DIST00000001ARGCffffffff");
    argc.readVersion();
    ProtocolException e = assertThrows(ProtocolException.class, argc::readArguments);
    assertTrue(e.getMessage().contains("--max-args"), e.getMessage());

    RequestReader argv = reader("DIST00000001ARGC00000001ARGVffffffff");
    argv.readVersion();
    e = assertThrows(ProtocolException.class, argv::readArguments);
    assertTrue(e.getMessage().contains("--max-arg-length"), e.getMessage());

    RequestReader doti = reader("DIST00000001ARGC00000001ARGV00000003gccDOTIffffffff");
    doti.readVersion();
    doti.readArguments();
    e = assertThrows(ProtocolException.class, () -> doti.readSource(dir.resolve("z.i")));
    assertTrue(e.getMessage().contains("--max-source-size"), e.getMessage());
  }

  @Test
  void refusesZeroArguments() throws Exception {
    RequestReader in = reader("DIST00000001ARGC00000000");
    in.readVersion();
    assertThrows(ProtocolException.class, in::readArguments);
  }

  @Test
  void refusesNulBytesInArguments() throws Exception {
    RequestReader in = reader("DIST00000001ARGC00000001ARGV00000003g\u0000c");
    in.readVersion();
    assertThrows(ProtocolException.class, in::readArguments);
  }

  @Test
  void refusesCorruptLzoSource() throws Exception {
    RequestReader in =
        reader("DIST00000002ARGC00000001ARGV00000003gccDOTI00000004\u00ff\u00ff\u00ff\u00ff");
    in.readVersion();
    in.readArguments();
    assertThrows(ProtocolException.class, () -> in.readSource(dir.resolve("c.i")));
  }

  @Test
  void skipsTheSourceOfARefusedRequest() throws Exception {
    byte[] wire = request(1, List.of("sh", "-c", "id"), new byte[5000]);
    RequestReader in = reader(wire, SMALL);
    in.readVersion();
    in.readArguments();
    in.skipInput();
    assertEquals(0, Files.list(dir).count());
  }
}
