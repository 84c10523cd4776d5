package dev.crossfarm.daemon.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.daemon.drift.LineMarkers.ClientCompiler;
import org.junit.jupiter.api.Test;

class VersionDriftTest {

  private static final ClientCompiler GCC11 =
      new ClientCompiler(11, "/usr/lib/gcc/x86_64-linux-gnu/11/include/stddef.h");
  private static final ClientCompiler GCC12 =
      new ClientCompiler(12, "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h");

  @Test
  void refuseNamesBothVersionsAndTheFix() {
    VersionDrift d = new VersionDrift(VersionDrift.Policy.REFUSE, "12.2.0");
    String why = d.check("192.168.1.20", new ClientCompiler(14, "/usr/include/c++/14/vector"), 1);
    assertNotNull(why);
    assertTrue(why.contains("gcc 14") && why.contains("gcc 12.2.0"), why);
    assertTrue(why.contains("suite: trixie"), "points to the suite with gcc 14: " + why);
    assertEquals(1, d.driftedJobs());
  }

  @Test
  void warnServesButCountsPerClient() {
    VersionDrift d = new VersionDrift(VersionDrift.Policy.WARN, "12.2.0");
    assertNull(d.check("10.0.0.5", GCC11, 100));
    assertNull(d.check("10.0.0.5", GCC11, 200));
    assertNull(d.check("10.0.0.6", GCC12, 300));
    assertEquals(2, d.driftedJobs());
    assertEquals(
        new VersionDrift.Client("10.0.0.5", 11, 2, 200), d.clients().get(0), "one line per client");
    assertEquals(1, d.clients().size(), "a client of the same major is not listed");
  }

  @Test
  void aSourceNamingNoCompilerIsUnknownNeverDrift() {
    VersionDrift d = new VersionDrift(VersionDrift.Policy.REFUSE, "12.2.0");
    assertNull(d.check("10.0.0.5", null, 1));
    assertEquals(1, d.unknownJobs());
    assertEquals(0, d.driftedJobs());
  }

  @Test
  void remembersABoundedNumberOfClients() {
    VersionDrift d = new VersionDrift(VersionDrift.Policy.WARN, "12.2.0");
    for (int i = 0; i < VersionDrift.MAX_CLIENTS + 50; i++) {
      d.check("10.0." + (i / 256) + "." + (i % 256), GCC11, i);
    }
    assertEquals(VersionDrift.MAX_CLIENTS, d.clients().size());
    assertEquals(VersionDrift.MAX_CLIENTS + 50, d.driftedJobs());
  }

  @Test
  void thePolicyIsWarnOrRefuse() {
    assertEquals(VersionDrift.Policy.WARN, VersionDrift.Policy.parse("WARN"));
    assertThrows(IllegalArgumentException.class, () -> VersionDrift.Policy.parse("ignore"));
  }
}
