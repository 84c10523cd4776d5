package dev.crossfarm.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  @TempDir Path dir;

  private static byte[] replay(Spool s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.replay(out);
    return out.toByteArray();
  }

  @Test
  void smallContentStaysInMemoryAndReplaysExactlyEveryTime() throws Exception {
    byte[] data = new byte[5000];
    new Random(1).nextBytes(data);
    try (Spool s = new Spool(dir, 8192)) {
      s.write(data, 0, 3000);
      s.write(data, 3000, 2000);
      assertFalse(s.onDisk());
      assertArrayEquals(data, replay(s));
      assertArrayEquals(data, replay(s));
      assertEquals(5000, s.length());
    }
  }

  @Test
  void largeContentMovesToAFileThatClosingRemoves() throws Exception {
    byte[] data = new byte[100_000];
    new Random(2).nextBytes(data);
    Spool s = new Spool(dir, 8192);
    for (int i = 0; i < data.length; i += 7000) {
      s.write(data, i, Math.min(7000, data.length - i));
    }
    assertTrue(s.onDisk());
    assertArrayEquals(data, replay(s));
    assertArrayEquals(data, replay(s));
    s.close();
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count());
    }
  }
}
