package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A protocol 1 or 2 job: the client preprocessed, one source file arrives, the compiler runs in the
 * job's directory and the reply carries the object alone.
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
  public Path receive(RequestReader requests, JobDirectory dir, CompileCommand.JobPaths paths)
      throws IOException {
    requests.readSource(paths.source());
    return dir.path();
  }

  @Override
  public byte[] finish(CompileCommand.JobPaths paths) {
    return null;
  }
}
