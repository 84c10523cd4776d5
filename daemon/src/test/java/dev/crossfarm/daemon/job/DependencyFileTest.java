package dev.crossfarm.daemon.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DependencyFileTest {

  @Test
  void restoresTheClientsTargetAndStripsTheRootEverywhere() {
    String root = "/tmp/crossfarm/job-3/root";
    String gcc =
        DependencyFile.SERVER_TARGET
            + ": lapi.c "
            + root
            + "/opt/inc/x.h \\\n "
            + root
            + "/opt/inc/y.h /usr/include/stdio.h\n";
    assertEquals(
        "lapi.o: lapi.c /opt/inc/x.h \\\n /opt/inc/y.h /usr/include/stdio.h\n",
        DependencyFile.forClient(gcc, root, DependencyFile.SERVER_TARGET, "lapi.o"));
  }

  @Test
  void theServerTargetHasStockDistccdsTemporaryObjectLength() {
    assertEquals("/tmp/distccd_12345678.o".length(), DependencyFile.SERVER_TARGET.length());
  }
}
