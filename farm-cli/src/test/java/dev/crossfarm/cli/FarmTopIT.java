package dev.crossfarm.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crossfarm.harness.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * farm top --once across two running volunteers: a totals line each and a row for the job one of
 * them is compiling; a volunteer that stops shows as down.
 */
class FarmTopIT {

  @TempDir Path work;

  @Test
  void showsEachVolunteersTotalsAndRunningJobsAndVolunteersThatAreDown() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_HOST", "unix://" + work.resolve("no-docker.sock"));
    env.put("XDG_STATE_HOME", work.resolve("state").toString());
    Path config =
        Files.writeString(
            work.resolve("farm.yaml"),
            // no result cache: the test watches jobs compile, which earlier runs' hits would skip
            "targets: [x86_64, aarch64]\ndefaults: {listen: 127.0.0.1, jobs: 2, cache: false}\n"
                + "per-target:\n  x86_64: {port: 23632}\n  aarch64: {port: 23636}\n");
    try {
      Cli.farm(work, env, "up", "--native", "--config", config.toString())
          .ok("farm up two volunteers");
      StringBuilder heavy = new StringBuilder();
      for (int i = 0; i < 2500; i++) {
        heavy
            .append("int f")
            .append(i)
            .append("(int*a,int n){int s=0;for(int i=0;i<n;i++)s+=a[i]*")
            .append(i)
            .append(";return s;}\n");
      }
      Files.writeString(work.resolve("top_probe.c"), heavy);
      CompletableFuture<Peers.Run> busy =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Cli.run(
                      work,
                      Cli.distcc("127.0.0.1:23636/2,lzo", work.resolve("dcc"), false),
                      120,
                      List.of(
                          "distcc",
                          "aarch64-linux-gnu-gcc",
                          "-O2",
                          "-c",
                          "top_probe.c",
                          "-o",
                          "top_probe.o"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      String top = "";
      for (int i = 0; i < 100 && !top.contains("top_probe.c"); i++) {
        Thread.sleep(200);
        top = Cli.farm(work, env, "top", "--once").ok("farm top --once").out();
      }
      assertTrue(top.contains("top_probe.c") && top.contains("compile"), top);
      assertTrue(top.matches("(?s).*native:\\d+\\s+aarch64\\s+up\\s+1/2.*"), top);
      assertTrue(top.matches("(?s).*native:\\d+\\s+x86_64\\s+up\\s+0/2.*"), top);
      busy.get().ok("the busy job");

      String after = Cli.farm(work, env, "top", "--once").ok("top").out();
      assertTrue(
          after.matches("(?s).*aarch64\\s+up\\s+0/2\\s+0\\s+[1-9].*"),
          "the job is counted done:\n" + after);
      long pid =
          Long.parseLong(Files.readString(work.resolve("state/crossfarm/x86_64.pid")).trim());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      Thread.sleep(500);
      String down = Cli.farm(work, env, "top", "--once").ok("top with one volunteer down").out();
      assertTrue(down.matches("(?s).*x86_64\\s+down.*"), down);
    } finally {
      Cli.farm(work, env, "down");
    }
  }
}
