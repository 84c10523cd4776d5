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
 */
public record CompileCommand(
    CompilerName compiler,
    List<Object> arguments,
    String sourceName,
    String inputExtension,
    boolean assemblyOnly) {

  /** The places in argv that are filled with paths inside the job directory. */
  public enum Slot {
    SOURCE,
    OUTPUT,
    DEPENDENCIES
  }

  public CompileCommand {
    arguments = List.copyOf(arguments);
    for (Object a : arguments) {
      if (!(a instanceof String) && !(a instanceof Slot)) {
        throw new IllegalArgumentException("argument must be a String or a Slot: " + a);
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
      line.add(
          a instanceof Slot slot
              ? switch (slot) {
                case SOURCE -> paths.source().toString();
                case OUTPUT -> paths.output().toString();
                case DEPENDENCIES -> paths.dependencies().toString();
              }
              : (String) a);
    }
    return line;
  }

  /** Where a job's files live. */
  public record JobPaths(Path source, Path output, Path dependencies) {}
}
