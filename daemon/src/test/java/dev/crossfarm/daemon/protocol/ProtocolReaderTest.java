package dev.crossfarm.daemon.protocol;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import org.junit.jupiter.api.Test;

class ProtocolReaderTest {

  private static ProtocolReader reader(String wire) {
    return new ProtocolReader(new ByteArrayInputStream(wire.getBytes(ISO_8859_1)));
  }

  @Test
  void readsLowerAndUpperCaseHexParameters() throws Exception {
    ProtocolReader in = reader("DIST00000002ARGC0000001FARGVdeadbeef");
    assertEquals(2, in.readParameter("DIST"));
    assertEquals(31, in.readParameter("ARGC"));
    assertEquals(0xdeadbeefL, in.readParameter("ARGV"));
  }

  @Test
  void acceptsLeadingSpacesInTheParameterAsStockDoes() throws Exception {
    assertEquals(2, reader("ARGC       2").readParameter("ARGC"));
  }

  @Test
  void refusesAnUnexpectedTokenNamingBoth() {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> reader("DOTO00000000").readParameter("DIST"));
    assertTrue(e.getMessage().contains("expected DIST") && e.getMessage().contains("DOTO"));
  }

  @Test
  void refusesBadHex() {
    assertThrows(ProtocolException.class, () -> reader("DIST0000000g").readParameter("DIST"));
    assertThrows(ProtocolException.class, () -> reader("DIST        ").readParameter("DIST"));
    assertThrows(ProtocolException.class, () -> reader("DIST-0000001").readParameter("DIST"));
    assertThrows(ProtocolException.class, () -> reader("DIST 1 00000").readParameter("DIST"));
  }

  @Test
  void showsGarbageTokensPrintably() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class, () -> reader("\u0000\u0001AB00000000").readParameter("DIST"));
    assertTrue(e.getMessage().contains("\\x00\\x01AB"), e.getMessage());
  }

  @Test
  void aClientThatClosesBeforeOrInsideAHeaderHasDisconnected() {
    assertThrows(EOFException.class, () -> reader("").readParameter("DIST"));
    EOFException e =
        assertThrows(EOFException.class, () -> reader("DIST0000").readParameter("DIST"));
    assertTrue(e.getMessage().contains("inside a packet header"));
  }

  @Test
  void copiesABodyExactlyAndLeavesTheNextPacket() throws Exception {
    ProtocolReader in = reader("DOTI00000005helloDONE00000001");
    long n = in.readParameter("DOTI");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.copyBody(n, out);
    assertEquals("hello", out.toString(ISO_8859_1));
    assertEquals(1, in.readParameter("DONE"));
    assertEquals(29, in.bytesRead());
  }

  @Test
  void copiesBodiesLargerThanItsBuffer() throws Exception {
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    new ProtocolWriter(wire).writeItem("DOTI", big, false);
    ProtocolReader in = new ProtocolReader(new ByteArrayInputStream(wire.toByteArray()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.copyBody(in.readParameter("DOTI"), out);
    assertArrayEquals(big, out.toByteArray());
  }

  @Test
  void aTruncatedBodyMeansTheClientLeft() {
    ProtocolReader in = reader("DOTI00000010short");
    assertThrows(
        EOFException.class,
        () -> in.copyBody(in.readParameter("DOTI"), new ByteArrayOutputStream()));
  }

  @Test
  void writerEmitsLowerCaseZeroPaddedHexAndEmptyItemsWithoutBody() throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ProtocolWriter out = new ProtocolWriter(wire);
    out.writeToken("STAT", 0x6e00);
    out.writeItem("SERR", new byte[0], true);
    out.writeString("ARGV", "gcc");
    assertEquals("STAT00006e00SERR00000000ARGV00000003gcc", wire.toString(ISO_8859_1));
  }
}
