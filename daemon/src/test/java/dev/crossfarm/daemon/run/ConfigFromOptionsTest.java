package dev.crossfarm.daemon.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigFromOptionsTest {

  @Test
  void cacheSizesTakeTheSuffixesUsersWrite() {
    assertEquals(256L << 10, ConfigFromOptions.sizeOf("256k"));
    assertEquals(512L << 20, ConfigFromOptions.sizeOf("512M"));
    assertEquals(2L << 30, ConfigFromOptions.sizeOf("2g"));
    assertEquals(5L << 30, ConfigFromOptions.sizeOf("5GiB"));
    assertEquals(1000, ConfigFromOptions.sizeOf("1000"));
  }

  @Test
  void aSizeThatIsNotOneIsRefusedByName() {
    for (String bad : new String[] {"", "0", "-1g", "2t", "lots", "9999999999999g"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ConfigFromOptions.sizeOf(bad), bad);
      assertTrue(e.getMessage().startsWith("--cache-size"), e.getMessage());
    }
  }
}
