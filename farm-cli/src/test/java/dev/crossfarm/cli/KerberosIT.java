package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code farm daemon --auth --whitelist} against a throwaway MIT KDC and the stock client's {@code
 * ,auth}: alice (on the list) builds lua, objects identical to a local compile; bob (not on it), a
 * client without {@code ,auth} and a client without a ticket get nothing compiled, with the stock
 * client's messages. A token replayed on a second connection and a token that is not Kerberos are
 * refused (sent by a JGSS initiator in this test, as the stock client cannot).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KerberosIT {

  private Path work;
  private Kdc kdc;
  private DaemonProcess daemon;

  @BeforeAll
  void kdcAndVolunteer(@TempDir Path work) throws Exception {
    this.work = work;
    kdc = Kdc.start(work.resolve("kdc"), "alice", "bob");
    Path whitelist = work.resolve("whitelist");
    Files.writeString(whitelist, "# who may compile\nalice\n");
    daemon =
        DaemonProcess.start(
            work,
            Files.createDirectories(work.resolve("jobs")),
            kdc.serviceEnv(),
            "x86_64",
            "--auth",
            "--keytab",
            kdc.serviceKeytab.toString(),
            "--whitelist",
            whitelist.toString(),
            "--log-level",
            "info");
  }

  @AfterAll
  void stop() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    if (kdc != null) {
      kdc.close();
    }
  }

  /** One job of the stock client as {@code user} (null: no ticket), with these host options. */
  private Peers.Run job(String name, String user, String options) throws IOException {
    Path dir = Files.createDirectories(work.resolve("job-" + name));
    Files.writeString(dir.resolve("k.c"), "int k(int x){return x+42;}\n");
    return Cli.run(
        dir,
        clientEnv(user, options, "dcc-" + name),
        60,
        List.of("distcc", "gcc", "-c", "k.c", "-o", "k.o"));
  }

  private Map<String, String> clientEnv(String user, String options, String dcc)
      throws IOException {
    Map<String, String> env =
        new HashMap<>(Cli.distcc(daemon.hosts(options), work.resolve(dcc), false));
    env.remove("DISTCC_BACKOFF_PERIOD"); // a refused host is dropped after one try
    env.put("KRB5_CONFIG", kdc.krb5Conf.toString());
    env.put(
        "KRB5CCNAME", "FILE:" + (user != null ? kdc.ticket(user) : work.resolve("no-such-cache")));
    env.put("DISTCC_PRINCIPAL", "distccd");
    return env;
  }

  @Test
  void aliceOnTheWhitelistBuildsLuaWithObjectsIdenticalToLocal() throws Exception {
    LuaBuild lua = LuaBuild.reference(work, "gcc -std=gnu99");
    lua.throughDistcc(clientEnv("alice", ",lzo,auth=localhost", "dcc-lua"), "4").ok("lua as alice");
    assertEquals(List.of(), lua.differing());
    assertTrue(Files.readString(daemon.log).contains("authenticated as alice@" + Kdc.REALM));
  }

  /** Whether the volunteer's log says {@code text} within 10 s. */
  private boolean logSays(String text) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.readString(daemon.log).contains(text)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void bobNotOnTheWhitelistIsDeniedAsStockDeniesHim() throws Exception {
    Peers.Run bob = job("bob", "bob", ",auth=localhost");
    assertNotEquals(0, bob.exit());
    assertFalse(Files.exists(work.resolve("job-bob/k.o")));
    assertTrue(bob.err().contains("Access denied by server"), bob.err());
    // the client reads the denial before the volunteer writes its log line: wait for the line
    assertTrue(logSays("bob@" + Kdc.REALM + " is not on the whitelist"), "the log names bob");
    assertServesAfterwards();
  }

  @Test
  void aClientWithoutAuthAndAClientWithoutATicketGetNothingCompiled() throws Exception {
    Peers.Run plain = job("plain", "alice", "");
    assertNotEquals(0, plain.exit());
    assertFalse(Files.exists(work.resolve("job-plain/k.o")));
    Peers.Run noTicket = job("noticket", null, ",auth=localhost");
    assertNotEquals(0, noTicket.exit());
    assertFalse(Files.exists(work.resolve("job-noticket/k.o")));
    assertTrue(noTicket.err().contains("Failed to initiate a secure context"), noTicket.err());
    assertTrue(logSays("no client handshake"), "the log says why");
    assertServesAfterwards();
  }

  @Test
  void aReplayedTokenAndATokenThatIsNotKerberosAreRefused() throws Exception {
    System.setProperty("java.security.krb5.conf", kdc.krb5Conf.toString());
    byte[] token = aliceToken();
    assertEquals('y', login(token), "the first use of alice's token");
    assertEquals(-1, login(token), "the same token again: closed without an answer");
    byte[] garbage = "not a kerberos token at all".getBytes(StandardCharsets.US_ASCII);
    assertEquals(-1, login(garbage));
    String log = Files.readString(daemon.log);
    assertTrue(log.contains("failed to accept the client's token"), log);
    assertServesAfterwards();
  }

  private void assertServesAfterwards() throws Exception {
    Peers.Run ok = job("after-" + System.nanoTime(), "alice", ",auth=localhost");
    ok.ok("alice's job after the refusals");
  }

  /** Runs the login with {@code token}; returns the server's answer byte, or -1 if it closed. */
  private int login(byte[] token) throws IOException {
    try (Socket s = new Socket("127.0.0.1", daemon.port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.write('*');
      out.flush();
      assertEquals('*', in.read(), "the handshake is echoed");
      out.write(String.format("TLEN%08x", token.length).getBytes(StandardCharsets.US_ASCII));
      out.write(token);
      out.flush();
      try {
        byte[] header = new byte[12];
        in.readFully(header);
        String h = new String(header, StandardCharsets.US_ASCII);
        assertTrue(h.startsWith("TLEN"), h);
        in.readFully(new byte[Integer.parseInt(h.substring(4), 16)]);
        return in.read();
      } catch (EOFException closed) {
        return -1;
      }
    }
  }

  /** An AP-REQ for the volunteer from alice's keytab, through the JDK's JGSS initiator. */
  private byte[] aliceToken() throws Exception {
    Map<String, String> options =
        Map.of(
            "useKeyTab", "true",
            "keyTab", kdc.keytab("alice").toString(),
            "principal", "alice@" + Kdc.REALM,
            "doNotPrompt", "true",
            "storeKey", "true",
            "refreshKrb5Config", "true");
    Configuration jaas =
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
            return new AppConfigurationEntry[] {
              new AppConfigurationEntry(
                  "com.sun.security.auth.module.Krb5LoginModule",
                  AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                  options)
            };
          }
        };
    LoginContext login = new LoginContext("alice", new Subject(), null, jaas);
    login.login();
    return Subject.doAs(
        login.getSubject(),
        (PrivilegedExceptionAction<byte[]>)
            () -> {
              GSSManager m = GSSManager.getInstance();
              GSSContext ctx =
                  m.createContext(
                      m.createName("distccd@localhost", GSSName.NT_HOSTBASED_SERVICE),
                      new Oid("1.2.840.113554.1.2.2"),
                      null,
                      GSSContext.DEFAULT_LIFETIME);
              ctx.requestMutualAuth(true);
              ctx.requestReplayDet(true);
              ctx.requestSequenceDet(true);
              return ctx.initSecContext(new byte[0], 0, 0);
            });
  }
}
