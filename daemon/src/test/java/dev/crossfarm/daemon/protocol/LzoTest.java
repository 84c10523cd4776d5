package dev.crossfarm.daemon.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Vectors from shared/reference/distcc-protocol.md, checked against liblzo2 there. */
class LzoTest {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static final byte[] END = bytes(0x11, 0x00, 0x00);

  @Test
  void emptyInputIsTheLoneEndMarkerBothWays() throws Exception {
    assertArrayEquals(END, Lzo.compress(new byte[0], 0));
    assertEquals(0, Lzo.decompress(END, 3, 1024).length);
  }

  @Test
  void shortLiteralRunMatchesLiblzo2() throws Exception {
    byte[] text = "int foo(){return 0;}".getBytes(StandardCharsets.US_ASCII);
    byte[] liblzo2 = concat(bytes(0x25), text, END);
    assertArrayEquals(liblzo2, Lzo.compress(text, text.length));
    assertArrayEquals(text, Lzo.decompress(liblzo2, liblzo2.length, 1024));
  }

  @Test
  void decodesLiblzo2sRunOfTwoHundredAs() throws Exception {
    byte[] fifteen = new byte[15];
    Arrays.fill(fifteen, (byte) 'a');
    byte[] liblzo2 =
        concat(
            bytes(0x02, 0x61, 0x61, 0x61, 0x61, 0x61, 0x20, 0x93, 0x10, 0x00, 0x0c), fifteen, END);
    byte[] expected = new byte[200];
    Arrays.fill(expected, (byte) 'a');
    assertArrayEquals(expected, Lzo.decompress(liblzo2, liblzo2.length, 1 << 20));
  }

  @Test
  void roundTripsDataThatExpandsFarBeyondEightTimes() throws Exception {
    byte[] zeros = new byte[3 << 20]; // compresses ~1000x: the output buffer must grow
    byte[] packed = Lzo.compress(zeros, zeros.length);
    assertArrayEquals(zeros, Lzo.decompress(packed, packed.length, 4 << 20));
  }

  @Test
  void roundTripsRandomData() throws Exception {
    byte[] data = new byte[100_000];
    new Random(7).nextBytes(data);
    byte[] packed = Lzo.compress(data, data.length);
    assertArrayEquals(data, Lzo.decompress(packed, packed.length, 1 << 20));
  }

  @Test
  void refusesABlockThatExpandsPastTheLimit() {
    byte[] zeros = new byte[1 << 20];
    byte[] packed = Lzo.compress(zeros, zeros.length);
    assertThrows(ProtocolException.class, () -> Lzo.decompress(packed, packed.length, 64 * 1024));
  }

  @Test
  void refusesCorruptBlocks() {
    assertThrows(ProtocolException.class, () -> Lzo.decompress(bytes(0xff, 0xff, 0xff), 3, 4096));
    byte[] truncated = bytes(0x25, 'i', 'n', 't');
    assertThrows(ProtocolException.class, () -> Lzo.decompress(truncated, truncated.length, 4096));
    assertThrows(ProtocolException.class, () -> Lzo.decompress(new byte[0], 0, 4096));
  }
}
