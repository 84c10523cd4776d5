package dev.crossfarm.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostSpecTest {

  @Test
  void readsEveryFormTheStockClientReads() {
    List<HostSpec> h =
        HostSpec.parse(
            "--randomize builder:3636/4,lzo 192.168.1.7 @pi/2:/usr/local/bin/farm-aarch64,lzo"
                + " @pi2,cpp,lzo localhost/2 +zeroconf # a comment builder2\nother:3700,auth");
    assertEquals(8, h.size());
    assertEquals(HostSpec.Kind.OPTION, h.get(0).kind());
    HostSpec b = h.get(1);
    assertEquals(
        List.of(HostSpec.Kind.TCP, "builder", 3636, 4, true, false),
        List.of(b.kind(), b.host(), b.port(), b.limit(), b.lzo(), b.pump()));
    assertEquals(3632, h.get(2).port(), "stock's default port");
    HostSpec ssh = h.get(3);
    assertEquals(
        List.of(HostSpec.Kind.SSH, "pi", 2, "/usr/local/bin/farm-aarch64"),
        List.of(ssh.kind(), ssh.host(), ssh.limit(), ssh.command()));
    assertEquals("distccd", h.get(4).command(), "stock's default SSH command");
    assertTrue(h.get(4).pump());
    assertEquals(HostSpec.Kind.LOCAL, h.get(5).kind());
    assertEquals(HostSpec.Kind.ZEROCONF, h.get(6).kind());
    assertTrue(h.get(7).auth());
    assertTrue(b.describe().contains("port 3636") && b.describe().contains("LZO"));
  }

  @Test
  void aBrokenEntryIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HostSpec.parse("builder:36x36"));
    assertTrue(e.getMessage().contains("builder:36x36"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HostSpec.parse("builder,zstd"));
  }
}
