package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MakepkgEnableTest {

  private static final String DEBIAN_DEFAULT =
      "CARCH=\"x86_64\"\n#MAKEFLAGS=\"-j2\"\nBUILDENV=(!distcc color !ccache check !sign)\n#DISTCC_HOSTS=\"\"\n";

  @Test
  void unbangsDistccAndSetsHostsAndTwiceTheSlots() {
    String out =
        MakepkgCommand.enable(DEBIAN_DEFAULT, "builder:3636/8,lzo builder2:3636/4,lzo", 24);
    assertTrue(out.contains("BUILDENV=(distcc color !ccache check !sign)"), out);
    assertTrue(out.contains("\nDISTCC_HOSTS=\"builder:3636/8,lzo builder2:3636/4,lzo\"\n"), out);
    assertTrue(out.contains("\nMAKEFLAGS=\"-j24\"\n"), out);
    assertTrue(!out.contains("#DISTCC_HOSTS") && !out.contains("#MAKEFLAGS"), out);
  }

  @Test
  void isIdempotent() {
    String once = MakepkgCommand.enable(DEBIAN_DEFAULT, "b:3636/4,lzo", 8);
    assertEquals(once, MakepkgCommand.enable(once, "b:3636/4,lzo", 8));
  }

  @Test
  void addsDistccWhenBuildenvLacksItAndKeepsCcache() {
    String out = MakepkgCommand.enable("BUILDENV=(color ccache check)\n", "b:3635/2,lzo", 4);
    assertTrue(out.startsWith("BUILDENV=(distcc color ccache check)"), out);
  }

  @Test
  void countsSlotsWithDistccsDefaultOfFour() {
    assertEquals(12, MakepkgCommand.slotsOf("a:3636/8,lzo b:3636"));
  }
}
