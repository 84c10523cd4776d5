package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults a volunteer meets in real life, each with the outcome a user needs. */
class FaultsIT {

  @TempDir Path work;

  private Path heavySource(String name, int functions) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < functions; i++) {
      b.append("int f")
          .append(i)
          .append("(int*a,int n){int s=0;for(int i=0;i<n;i++)s+=a[i]*")
          .append(i)
          .append("+(s>>3);return s;}\n");
    }
    return Files.writeString(work.resolve(name), b);
  }

  private CompletableFuture<Peers.Run> compileAsync(DaemonProcess d, String source, String object) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Cli.run(
                work,
                Cli.distcc(d.hosts(",lzo"), work.resolve("dcc"), false),
                300,
                List.of("distcc", "gcc", "-O2", "-c", source, "-o", object));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static void waitFor(BooleanSupplier c, String what) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      if (c.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private Peers.Run tinyJob(DaemonProcess d) throws IOException {
    Files.writeString(work.resolve("tiny.c"), "int tiny(int x){return x;}\n");
    return Cli.run(
        work,
        Cli.distcc(d.hosts(",lzo"), work.resolve("dcc"), false),
        60,
        List.of("distcc", "gcc", "-c", "tiny.c", "-o", "tiny.o"));
  }

  @Test
  void aCompilerKilledMidJobGivesACleanFailureAndTheVolunteerGoesOn() throws Exception {
    try (DaemonProcess d =
        DaemonProcess.start(work, Files.createDirectories(work.resolve("jobs")), "x86_64")) {
      heavySource("heavy.c", 3000);
      CompletableFuture<Peers.Run> job = compileAsync(d, "heavy.c", "heavy.o");
      waitFor(
          () ->
              d.jobProcesses().stream()
                  .anyMatch(p -> p.info().command().orElse("").endsWith("cc1")),
          "cc1");
      d.jobProcesses().stream()
          .filter(p -> p.info().command().orElse("").endsWith("cc1"))
          .forEach(ProcessHandle::destroyForcibly);
      Peers.Run run = job.get(120, TimeUnit.SECONDS);
      assertNotEquals(0, run.exit());
      assertTrue(run.err().contains("cc1") || run.err().contains("Killed"), run.err());
      assertFalse(Files.exists(work.resolve("heavy.o")));
      assertEquals(0, tinyJob(d).exit());
      assertEquals(List.of(), d.leftovers());
    }
  }

  @Test
  void sigtermLetsRunningJobsFinishAndRefusesNewConnections() throws Exception {
    DaemonProcess d =
        DaemonProcess.start(
            work, Files.createDirectories(work.resolve("jobs")), "x86_64", "--jobs", "1");
    try {
      heavySource("long.c", 2500);
      CompletableFuture<Peers.Run> job = compileAsync(d, "long.c", "long.o");
      waitFor(() -> !d.jobProcesses().isEmpty(), "the compile to start");
      d.process.destroy(); // SIGTERM
      waitFor(
          () -> {
            try (Socket s = new Socket("127.0.0.1", d.port)) {
              return false;
            } catch (IOException refused) {
              return true;
            }
          },
          "new connections to be refused");
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", d.port).close());
      Peers.Run run = job.get(120, TimeUnit.SECONDS);
      assertEquals(0, run.exit(), "the running job finished: " + run.err());
      assertTrue(Files.size(work.resolve("long.o")) > 0);
      assertTrue(d.process.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, d.process.exitValue());
    } finally {
      d.close();
    }
  }

  @Test
  void aFullJobFilesystemGivesAClearErrorAndTheVolunteerRecovers() throws Exception {
    Path small = Files.createDirectories(work.resolve("small-tmpfs"));
    Cli.run(work, "mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", small.toString())
        .ok("mount a small tmpfs (root)");
    try (DaemonProcess d = DaemonProcess.start(work, small, "x86_64")) {
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 40000; i++) {
        big.append("int v").append(i).append(" = ").append(i).append(";\n");
      }
      Files.writeString(work.resolve("big.c"), big);
      Peers.Run run =
          Cli.run(
              work,
              Cli.distcc(d.hosts(""), work.resolve("dcc"), false),
              120,
              List.of("distcc", "gcc", "-c", "big.c", "-o", "big.o"));
      assertNotEquals(0, run.exit());
      assertTrue(run.err().contains("no space left"), run.err());
      assertEquals(0, tinyJob(d).exit(), "recovered");
    } finally {
      Cli.run(work, "umount", small.toString());
    }
  }

  @Test
  void aMissingToolchainAtStartUpIsAClearErrorAndANonZeroExit() throws Exception {
    // hide Debian's aarch64 gcc in a private mount namespace: the rest of the machine is untouched
    Peers.Run run =
        Cli.run(
            work,
            Map.of(),
            120,
            List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount --bind /dev/null /usr/bin/aarch64-linux-gnu-gcc && exec "
                    + Cli.FARM
                    + " daemon --toolchain aarch64 --port "
                    + DaemonProcess.freePort()
                    + " --log-stderr"));
    assertEquals(110, run.exit(), run.err());
    assertTrue(run.err().contains("no aarch64 compiler on this machine"), run.err());
    assertTrue(run.err().contains("apt-get install gcc-aarch64-linux-gnu"), run.err());
  }
}
