package dev.crossfarm.front;

import dev.crossfarm.daemon.cache.CacheKey;
import dev.crossfarm.daemon.job.ArgumentPolicy;
import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.CompilerResolver;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.protocol.Request;
import dev.crossfarm.daemon.protocol.RequestReader;
import dev.crossfarm.daemon.server.Received;
import dev.crossfarm.daemon.server.SourceTap;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Reads a client's whole request as a volunteer would: the same reader with the same limits, the
 * same compiler names and argument policy, so whatever a volunteer refuses the front refuses with
 * the same reason and exit code, before any volunteer is bothered. On the way it takes what
 * placement needs: the source's digest and the client's compiler from its line markers (one pass,
 * as the volunteer's cache does), and the job's affinity key.
 */
final class Intake {

  /**
   * Stands in for the compiler identity in the affinity key: the front runs no compiler, and the
   * volunteers of one target share one. Two requests with the same key would get the same result
   * from a volunteer's cache.
   */
  private static final byte[] AFFINITY =
      "crossfarm front affinity 1".getBytes(StandardCharsets.UTF_8);

  private final Toolchain toolchain;
  private final ToolchainCatalog catalog;
  private final ArgumentPolicy policy = new ArgumentPolicy();

  Intake(Toolchain toolchain, ToolchainCatalog catalog) {
    this.toolchain = toolchain;
    this.catalog = catalog;
  }

  /**
   * Reads the request to its end.
   *
   * @param describe told the compiler and the source's name as soon as the arguments are read, so
   *     even a refusal's log line names them
   * @throws JobRefusedException what a volunteer would refuse; the input has been read to its end
   *     so the client gets to read the refusal
   */
  Job read(RequestReader requests, BiConsumer<String, String> describe)
      throws IOException, JobRefusedException {
    requests.readVersion();
    String cwd = requests.version() == 3 ? requests.readWorkingDirectory() : null;
    Request request = requests.readArguments();
    String compiler = request.argv().get(0);
    describe.accept(compiler, request.sourceGuess());
    CompileCommand command;
    try {
      var name = CompilerResolver.accept(toolchain, catalog, compiler);
      command =
          cwd == null
              ? policy.check(name, request.argv())
              : policy.checkPump(name, request.argv(), cwd);
    } catch (JobRefusedException refused) {
      requests.skipInput();
      throw refused;
    }
    Counting counted = new Counting();
    if (cwd != null) {
      requests.readFiles(
          new RequestReader.FileSink<RuntimeException>() {
            @Override
            public OutputStream createFile(String clientPath) {
              return counted;
            }

            @Override
            public void createLink(String clientPath, String target) {
              // a volunteer checks where links point as it lays the files out
            }
          });
      return new Job(3, compiler, command.sourceName(), null, null, counted.bytes);
    }
    SourceTap tap = new SourceTap(counted);
    requests.readSource(tap);
    Received.Source facts = tap.facts();
    return new Job(
        requests.version(),
        compiler,
        command.sourceName(),
        CacheKey.of(AFFINITY, command, facts.digest()),
        facts.client(),
        counted.bytes);
  }

  /** Counts bytes and keeps none: the request's own bytes are already in its spool. */
  private static final class Counting extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }

    @Override
    public void close() {
      // a file of a pump job ends; the count goes on
    }
  }
}
