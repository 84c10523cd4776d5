package dev.crossfarm.daemon.server;

import dev.crossfarm.daemon.job.CompileCommand;
import dev.crossfarm.daemon.job.DebugPaths;
import dev.crossfarm.daemon.job.DependencyFile;
import dev.crossfarm.daemon.job.JobDirectory;
import dev.crossfarm.daemon.job.JobRefusedException;
import dev.crossfarm.daemon.job.JobRoot;
import dev.crossfarm.daemon.protocol.RequestReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pump (protocol 3) job: the client sends its source and headers under their own paths, the
 * compiler runs in the client's working directory re-rooted into the job, and the reply carries the
 * dependency file too, with the job's paths turned back into the client's.
 *
 * @param clientCwd the client's working directory (CDIR)
 */
record PumpJob(CompileCommand command, String clientCwd) implements CompileJob {

  @Override
  public CompileCommand.JobPaths paths(JobDirectory dir) {
    return new CompileCommand.JobPaths(
        null, dir.file(command.outputName()), dir.file("deps.d"), dir.file("root"));
  }

  @Override
  public Received receive(RequestReader requests, JobDirectory dir, CompileCommand.JobPaths paths)
      throws IOException, JobRefusedException {
    JobRoot root = new JobRoot(paths.root());
    Path cwd = root.workingDirectory(clientCwd);
    requests.readFiles(root);
    return new Received(cwd, null);
  }

  @Override
  public byte[] finish(CompileCommand.JobPaths paths) throws IOException {
    String root = paths.root().toString();
    DebugPaths.rewrite(paths.output(), root);
    String deps = Files.exists(paths.dependencies()) ? Files.readString(paths.dependencies()) : "";
    String target =
        command.dependencyTarget() != null ? command.dependencyTarget() : command.clientOutput();
    return DependencyFile.forClient(deps, root, DependencyFile.SERVER_TARGET, target)
        .getBytes(StandardCharsets.UTF_8);
  }
}
