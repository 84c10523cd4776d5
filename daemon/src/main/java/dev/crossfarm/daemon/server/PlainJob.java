package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;

/**
 * A protocol 1 or 2 job: the client preprocessed, one source file arrives (its digest and line
 * markers taken on the way in), the compiler runs in the job's directory and the reply carries the
 * object alone.
 */
record PlainJob(CompileCommand command) implements CompileJob {

  @Override
  public CompileCommand.JobPaths paths(JobDirectory dir) {
    return new CompileCommand.JobPaths(
        dir.file("in" + command.inputExtension()),
        dir.file(command.outputName()),
        dir.file("deps.d"),
        null);
  }

  @Override
  public Received receive(RequestReader requests, JobDirectory dir, CompileCommand.JobPaths paths)
      throws IOException {
    try (SourceTap tap =
        new SourceTap(new BufferedOutputStream(Files.newOutputStream(paths.source()), 64 * 1024))) {
      requests.readSource(tap);
      tap.flush();
      return new Received(dir.path(), tap.facts());
    }
  }

  @Override
  public byte[] finish(CompileCommand.JobPaths paths) {
    return null;
  }
}
