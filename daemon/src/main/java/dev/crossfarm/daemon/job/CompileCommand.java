package dev.crossfarm.daemon.job;

import dev.crossfarm.toolchain.CompilerName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A compile job the argument policy accepted: the compiler the client named and its arguments, with
 * the places where the client's own paths stood (source, output, dependency file) marked so that
 * they can only ever point into the job's directory.
 *
 * @param compiler the compiler name from argv[0]
 * @param arguments argv[1..], with the client's paths replaced by {@link Slot} markers
 * @param sourceName the source file name the client gave (for logs)
 * @param inputExtension extension the preprocessed input must carry for the compiler to take it as
 *     it is ({@code .i}, {@code .ii}, ...), as stock distccd names its temporary file
 * @param assemblyOnly {@code -S}: the output is assembly text, not an ELF object
 * @param pump protocol 3: the client sent sources and headers, the job preprocesses
 * @param clientOutput the output file the client named (the dependency file's default target)
 * @param dependencyTarget pump: the target of the first {@code -MT}, or null
 */
public record CompileCommand(
    CompilerName compiler,
    List<Object> arguments,
    String sourceName,
    String inputExtension,
    boolean assemblyOnly,
    boolean pump,
    String clientOutput,
    String dependencyTarget) {

  /**
   * A client path in a pump job, absolute on the client: it becomes {@code option + ROOT + path}
   * once the job's root is known (stock distccd's re-rooting of include options and the source).
   */
  public record Rooted(String option, String path) {}

  /** The places in argv that are filled with paths inside the job directory. */
  public enum Slot {
    SOURCE,
    OUTPUT,
    DEPENDENCIES
  }

  public CompileCommand {
    arguments = List.copyOf(arguments);
    for (Object a : arguments) {
      if (!(a instanceof String) && !(a instanceof Slot) && !(a instanceof Rooted)) {
        throw new IllegalArgumentException("argument must be a String, Slot or Rooted: " + a);
      }
    }
  }

  /** The output file name inside the job directory. */
  public String outputName() {
    return assemblyOnly ? "out.s" : "out.o";
  }

  /** The full command line: the executable, then the arguments with every slot filled. */
  public List<String> commandLine(Path executable, JobPaths paths) {
    List<String> line = new ArrayList<>(arguments.size() + 1);
    line.add(executable.toString());
    for (Object a : arguments) {
      if (a instanceof Slot slot) {
        line.add(
            switch (slot) {
              case SOURCE -> paths.source().toString();
              case OUTPUT -> paths.output().toString();
              case DEPENDENCIES -> paths.dependencies().toString();
            });
      } else if (a instanceof Rooted rooted) {
        line.add(rooted.option() + paths.root() + rooted.path());
      } else {
        line.add((String) a);
      }
    }
    return line;
  }

  /**
   * Where a job's files live.
   *
   * @param source the preprocessed input (protocol 1/2), or null
   * @param root pump: the directory standing for the client's /, or null
   */
  public record JobPaths(Path source, Path output, Path dependencies, Path root) {}
}
