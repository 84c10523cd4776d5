package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exit codes and messages of {@code farm daemon} before it serves anything. */
class DaemonCommandTest {

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private PrintStream savedOut;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    savedOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
    System.setOut(savedOut);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anUnknownOptionExits101LikeStockDistccd() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "x86_64", "--no-such-option"));
    assertTrue(err().contains("--no-such-option"), err());
    assertTrue(err().contains("farm daemon --help"), err());
  }

  @Test
  void aMissingToolchainOptionExits101() {
    assertEquals(101, Farm.run("daemon"));
    assertTrue(err().contains("--toolchain"), err());
  }

  @Test
  void versionAnswersInStockDistccdsShape() {
    assertEquals(0, Farm.run("daemon", "--toolchain", "aarch64", "--version"));
    String[] lines = out().split("\n");
    assertTrue(
        lines[0].matches("distccd \\S+-crossfarm aarch64-linux-gnu"), "first line: " + lines[0]);
    assertEquals("  (protocols 1, 2 and 3) (default port 3636)", lines[1]);
  }

  @Test
  void versionWithoutAToolchainNamesThisMachinesTriple() {
    assertEquals(0, Farm.run("daemon", "--version"));
    assertTrue(out().startsWith("distccd "), out());
    assertTrue(out().split("\n")[0].endsWith("-linux-gnu"), out());
  }

  @Test
  void anUnknownTargetNamesTheKnownOnes() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "mips"));
    assertTrue(err().contains("armv7h (alias armhf, armv7), aarch64 (alias armv8, arm64)"), err());
  }

  @Test
  void aBadAllowNetworkIsNamed() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "x86_64", "--allow", "10.0.0.0/40"));
    assertTrue(err().contains("10.0.0.0/40"), err());
  }

  @Test
  void inetdModeRefusesWhatOnlyAListeningVolunteerCanDo() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "x86_64", "--inetd", "--zeroconf"));
    assertTrue(err().contains("--inetd serves one client"), err());
  }

  @Test
  void principalListsNeedAuth() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "x86_64", "--whitelist", "/etc/hostname"));
    assertTrue(err().contains("go with --auth"), err());
  }

  @Test
  void aWhitelistAndABlacklistAreNotTakenTogether() {
    assertEquals(
        101,
        Farm.run(
            "daemon",
            "--toolchain",
            "x86_64",
            "--auth",
            "--whitelist",
            "/etc/hostname",
            "--blacklist",
            "/etc/hostname"));
    assertTrue(err().contains("not both"), err());
  }

  @Test
  void authWithoutAKeytabSaysWhereItLooked() {
    assertEquals(
        101,
        Farm.run(
            "daemon",
            "--toolchain",
            "x86_64",
            "--port",
            "0",
            "--auth",
            "--keytab",
            "/nonexistent/krb5.keytab"));
    assertTrue(err().contains("cannot read the keytab /nonexistent/krb5.keytab"), err());
  }

  @Test
  void aBadLogLevelListsTheValidOnes() {
    assertEquals(101, Farm.run("daemon", "--toolchain", "x86_64", "--log-level", "chatty"));
    assertTrue(err().contains("notice"), err());
  }

  @Test
  void aPortInUseExits102() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int code =
          Farm.run(
              "daemon",
              "--toolchain",
              "x86_64",
              "--listen",
              "127.0.0.1",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--log-stderr");
      assertEquals(102, code);
      assertTrue(err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err());
    }
  }

  @Test
  void helpExplainsTheOptionsForSomeoneNewToDistcc() {
    assertEquals(0, Farm.run("daemon", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option :
        new String[] {
          "--toolchain",
          "--port",
          "--listen",
          "--allow",
          "--allow-private",
          "--jobs",
          "--nice",
          "--job-lifetime",
          "--log-file",
          "--log-level",
          "--log-stderr",
          "--no-detach",
          "--pid-file",
          "DISTCC_HOSTS"
        }) {
      assertTrue(help.contains(option), "help mentions " + option);
    }
  }
}
