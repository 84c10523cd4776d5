package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * farm makepkg on a copy of Debian's makepkg.conf, then Debian's real makepkg builds a PKGBUILD
 * with C sources as an unprivileged user, and its compiles go through a farm volunteer: the
 * volunteer's job log names each source. makepkg puts Arch's /usr/lib/distcc/bin masquerade
 * directory first on PATH; .ci/setup lays it out as Arch's distcc package does.
 */
class MakepkgIT {

  @TempDir Path work;

  @Test
  void makepkgBuildsThroughTheFarmOnceFarmMakepkgEnabledDistcc() throws Exception {
    assertTrue(
        Files.isDirectory(Path.of("/usr/lib/distcc/bin")),
        "Arch's masquerade dir (bash .ci/setup makes it)");
    try (DaemonProcess daemon =
        DaemonProcess.start(
            work, Files.createDirectories(work.resolve("jobs")), "x86_64", "--jobs", "2")) {
      int port = daemon.port;
      Path log = daemon.log;
      Path conf = work.resolve("makepkg.conf");
      Files.copy(Path.of("/etc/makepkg.conf"), conf);
      Files.writeString(conf, Files.readString(conf) + "CFLAGS=\"-march=native -O2 -pipe\"\n");
      Peers.Run refused =
          Cli.farm(
              work,
              Map.of(),
              "makepkg",
              "--conf",
              conf.toString(),
              "--hosts",
              "127.0.0.1:" + port + "/2,lzo");
      assertNotEquals(0, refused.exit(), "refuses while -march=native is set");
      assertTrue(refused.err().contains("farm check-flags --fix"), refused.err());
      Files.copy(Path.of("/etc/makepkg.conf"), conf, StandardCopyOption.REPLACE_EXISTING);

      Cli.farm(
              work,
              Map.of(),
              "makepkg",
              "--conf",
              conf.toString(),
              "--hosts",
              "127.0.0.1:" + port + "/2,lzo")
          .ok("farm makepkg");
      String once = Files.readString(conf);
      assertTrue(once.contains("BUILDENV=(distcc "), once);
      assertTrue(once.contains("DISTCC_HOSTS=\"127.0.0.1:" + port + "/2,lzo\""), once);
      assertTrue(once.contains("MAKEFLAGS=\"-j4\""), once);
      Peers.Run again =
          Cli.farm(
              work,
              Map.of(),
              "makepkg",
              "--conf",
              conf.toString(),
              "--hosts",
              "127.0.0.1:" + port + "/2,lzo");
      assertTrue(again.ok("again").err().contains("already uses this farm"), again.err());
      assertEquals(once, Files.readString(conf));

      Path pkg = Files.createDirectories(work.resolve("pkg"));
      Files.writeString(pkg.resolve("one.c"), "int one(void){return 1;}\n");
      Files.writeString(pkg.resolve("two.c"), "int one(void);\nint main(void){return one()-1;}\n");
      Files.writeString(
          pkg.resolve("PKGBUILD"),
          String.join(
              "\n",
              "pkgname=crossfarm-probe",
              "pkgver=1",
              "pkgrel=1",
              "arch=(x86_64)",
              "source=(one.c two.c)",
              "sha256sums=(SKIP SKIP)",
              "build() { cd \"$srcdir\"; for f in one two; do cc $CFLAGS -c $f.c -o $f.o; done; cc one.o two.o -o probe; }",
              "package() { install -Dm755 \"$srcdir/probe\" \"$pkgdir/usr/bin/crossfarm-probe\"; }",
              ""));
      Cli.run(Path.of("/"), "chown", "-R", "nobody:nogroup", work.toString()).ok("chown");
      Cli.run(Path.of("/"), "chmod", "a+rx", work.toString()).ok("chmod");
      Peers.Run build =
          Cli.run(
              pkg,
              Map.of(
                  "HOME",
                  work.toString(),
                  "DISTCC_DIR",
                  work.resolve("pkg").toString(),
                  "DISTCC_FALLBACK",
                  "0",
                  "DISTCC_BACKOFF_PERIOD",
                  "0"),
              300,
              List.of(
                  "setpriv",
                  "--reuid=nobody",
                  "--regid=nogroup",
                  "--clear-groups",
                  "makepkg",
                  "--config",
                  conf.toString(),
                  "--nodeps",
                  "--noarchive",
                  "--skipinteg"));
      build.ok("makepkg");
      String jobs = Files.readString(log);
      assertTrue(
          jobs.contains("COMPILE_OK") && jobs.contains(" one.c") && jobs.contains(" two.c"), jobs);
    }
  }
}
