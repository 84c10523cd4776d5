package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.cli.docker.Engine;
import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each generated artefact, checked by the real tool that will read it. */
class GeneratorsIT {

  @TempDir Path work;

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"farm", "distccd"})
  void unitsWithAKerberosLoginAndZeroconfPassVerifyAndCarryTheirOptions(String engine)
      throws Exception {
    Path out = work.resolve("auth-" + engine);
    Cli.farm(
            work,
            Map.of(),
            "systemd",
            "aarch64",
            "--engine",
            engine,
            "--auth",
            "--principal",
            "distccd@builder.example.org",
            "--keytab",
            "/etc/distcc/krb5.keytab",
            "--whitelist",
            "/etc/distcc/principals",
            "--zeroconf",
            "--out",
            out.toString())
        .ok("farm systemd --auth --zeroconf");
    Path unit = out.resolve("distccd-aarch64.service");
    Peers.Run verify = Cli.run(work, "systemd-analyze", "verify", unit.toString());
    assertEquals(0, verify.exit(), verify.err() + verify.out());
    assertEquals("", verify.err().trim(), "no warnings");
    String text = Files.readString(unit);
    String conf = Files.readString(out.resolve("conf.d/distccd-aarch64"));
    assertTrue(text.contains("LoadCredential=krb5.keytab:/etc/distcc/krb5.keytab"), text);
    assertTrue(conf.contains("DISTCCD_PRINCIPAL=distccd@builder.example.org\n"), conf);
    assertTrue(
        conf.contains("--whitelist /etc/distcc/principals") && conf.contains("--zeroconf"), conf);
    if (engine.equals("farm")) {
      assertTrue(text.contains("--auth --keytab %d/krb5.keytab"), text);
    } else {
      assertTrue(
          text.contains("Environment=KRB5_KTNAME=%d/krb5.keytab") && conf.contains("--auth"), conf);
    }
    assertFalse(
        Cli.farm(work, Map.of(), "systemd", "aarch64", "--auth").exit() == 0,
        "--auth without --principal is refused");
  }

  @ParameterizedTest(name = "engine {0}")
  @ValueSource(strings = {"farm", "distccd"})
  void everyUnitPassesSystemdAnalyzeVerifyWithItsOwnPortLogAndStatsPort(String engine)
      throws Exception {
    Path out = work.resolve(engine);
    Cli.farm(
            work,
            Map.of(),
            "systemd",
            "x86_64",
            "armv7h",
            "aarch64",
            "--engine",
            engine,
            "--out",
            out.toString())
        .ok("farm systemd");
    Set<String> ports = new HashSet<>();
    Set<String> logs = new HashSet<>();
    for (String arch : List.of("x86_64", "armv7h", "aarch64")) {
      Path unit = out.resolve("distccd-" + arch + ".service");
      Peers.Run verify = Cli.run(work, "systemd-analyze", "verify", unit.toString());
      assertEquals(0, verify.exit(), verify.err() + verify.out());
      assertEquals("", verify.err().trim(), "no warnings");
      String args = Files.readString(out.resolve("conf.d/distccd-" + arch));
      Matcher m =
          Pattern.compile("--port (\\d+) --stats --stats-port (\\d+) --log-file (\\S+?)\"")
              .matcher(args);
      assertTrue(m.find(), args);
      assertTrue(ports.add(m.group(1)) && ports.add(m.group(2)), "unique ports: " + ports);
      assertTrue(logs.add(m.group(3)), "unique log files: " + logs);
      String text = Files.readString(unit);
      for (String hardening :
          List.of(
              "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "DynamicUser=yes")) {
        assertTrue(text.contains(hardening), hardening);
      }
    }
    assertTrue(
        ports.containsAll(List.of("3632", "3635", "3636", "4635", "4636")), ports.toString());
  }

  @Test
  void installKeepsABackupOfWhatItReplacesAndIsIdempotent() throws Exception {
    // --install writes into /etc: exercised on a copy of the layout through --out twice instead
    Path out = work.resolve("units");
    Cli.farm(work, Map.of(), "systemd", "aarch64", "--out", out.toString()).ok("first");
    Files.writeString(
        out.resolve("conf.d/distccd-aarch64"), "DISTCC_ARGS=\"--allow 10.0.0.0/8\"\n");
    Cli.farm(work, Map.of(), "systemd", "aarch64", "--out", out.toString()).ok("second");
    try (Stream<Path> s = Files.list(out.resolve("conf.d"))) {
      List<Path> backups = s.filter(p -> p.toString().contains(".crossfarm-backup-")).toList();
      assertEquals(1, backups.size());
      assertEquals("DISTCC_ARGS=\"--allow 10.0.0.0/8\"\n", Files.readString(backups.get(0)));
    }
    Cli.farm(work, Map.of(), "systemd", "aarch64", "--out", out.toString()).ok("third");
    try (Stream<Path> s = Files.list(out.resolve("conf.d"))) {
      assertEquals(2, s.count(), "an unchanged file gets no new backup");
    }
  }

  @Test
  void dockerComposeAcceptsTheFileAndRunsAVolunteerFromIt() throws Exception {
    Path file = work.resolve("compose.yaml");
    Cli.farm(work, Map.of(), "compose", "aarch64", "--out", file.toString()).ok("farm compose");
    Cli.run(work, "docker-compose", "-f", file.toString(), "config", "-q")
        .ok("docker-compose config");
    try (Engine engine = DockerEngine.require()) {
      if (!engine.imageExists("crossfarm/volunteer-aarch64:" + Farm.version())) {
        Cli.farm(work, Map.of(), "image", "build", "aarch64").ok("image build");
      }
      List<String> compose = List.of("docker-compose", "-p", "crossfarmit", "-f", file.toString());
      try {
        Cli.run(work, Map.of(), 300, concat(compose, "up", "-d")).ok("docker-compose up");
        Files.writeString(work.resolve("c.c"), "int c(int x){return x-1;}\n");
        Map<String, String> env = Cli.distcc("127.0.0.1:3636/2,lzo", work.resolve("dcc"), false);
        Peers.Run compile = null;
        for (int i = 0; i < 60; i++) { // until the JVM in the container listens
          compile =
              Cli.run(
                  work,
                  env,
                  60,
                  List.of("distcc", "aarch64-linux-gnu-gcc", "-c", "c.c", "-o", "c.o"));
          if (compile.exit() == 0) {
            break;
          }
          Thread.sleep(500);
        }
        compile.ok("compile through the compose volunteer");
        assertTrue(Cli.run(work, "file", "c.o").out().contains("ARM aarch64"));
      } finally {
        Cli.run(work, Map.of(), 120, concat(compose, "down")).ok("docker-compose down");
      }
    }
  }

  @Test
  void checkFlagsFixResolvesNativeWithTheRealGccAndKeepsABackup() throws Exception {
    Path conf =
        Files.writeString(
            work.resolve("makepkg.conf"),
            "CFLAGS=\"-march=native -mtune=native -O2 -pipe\"\nCXXFLAGS=\"$CFLAGS\"\n");
    Peers.Run check = Cli.farm(work, Map.of(), "check-flags", conf.toString());
    assertEquals(1, check.exit());
    assertTrue(
        check
            .out()
            .contains("makepkg.conf:2: CXXFLAGS contains -march=native (through $CFLAGS, line 1)"),
        check.out());

    Peers.Run fix =
        Cli.farm(work, Map.of(), "check-flags", "--fix", conf.toString()).ok("check-flags --fix");
    assertTrue(fix.err().contains("run --fix on the client itself"), fix.err());
    String fixed = Files.readString(conf);
    assertFalse(fixed.contains("native"), fixed);
    Matcher march = Pattern.compile("-march=(\\S+) -mtune=(\\S+)").matcher(fixed);
    assertTrue(march.find(), fixed);
    String gccSays = Cli.run(work, "gcc", "-march=native", "-Q", "--help=target").out();
    assertTrue(
        gccSays.matches("(?s).*-march=\\s+" + Pattern.quote(march.group(1)) + "\\s.*"),
        "what gcc resolves");
    Files.writeString(work.resolve("t.c"), "int t(int x){return x*x;}\n");
    Cli.run(
            work,
            Map.of(),
            60,
            List.of("gcc", "-march=" + march.group(1), "-mtune=" + march.group(2), "-c", "t.c"))
        .ok("gcc accepts the explicit flags");
    try (Stream<Path> s = Files.list(work)) {
      assertTrue(
          s.anyMatch(p -> p.getFileName().toString().startsWith("makepkg.conf.crossfarm-backup-")));
    }
    Cli.farm(work, Map.of(), "check-flags", conf.toString()).ok("clean after --fix");
  }

  @Test
  void symlinksDryRunWritesNothingAndTheRealRunRefusesForeignFiles() throws Exception {
    Path dir = Files.createDirectories(work.resolve("lib-distcc"));
    Peers.Run dry =
        Cli.farm(work, Map.of(), "symlinks", "aarch64", "--dir", dir.toString(), "--dry-run")
            .ok("dry run");
    assertTrue(
        dry.out().contains("would link " + dir.resolve("aarch64-unknown-linux-gnu-gcc")),
        dry.out());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
    Files.writeString(dir.resolve("aarch64-linux-gnu-gcc"), "#!/bin/sh\n");
    Peers.Run refused = Cli.farm(work, Map.of(), "symlinks", "aarch64", "--dir", dir.toString());
    assertNotEquals(0, refused.exit());
    assertTrue(refused.err().contains("refusing to replace"), refused.err());
  }

  private static List<String> concat(List<String> a, String... b) {
    return Stream.concat(a.stream(), Stream.of(b)).toList();
  }
}
