package dev.crossfarm.daemon.job;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.daemon.job.CompileCommand.Slot;
import dev.crossfarm.toolchain.CompilerName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Decides whether a job's arguments may run on this volunteer, plain (protocols 1 and 2) or pump.
 * It is an allow-list of option shapes, not a few deny rules: an option it does not know is
 * refused, and so is every option that would read or write a path of the volunteer. The source and
 * output paths the client sent are replaced by paths inside the job directory, and the compiler
 * runs with that directory as its working directory, so a relative name cannot leave it either.
 *
 * <p>Stock distccd 3.4 blocks only {@code -fplugin=} and {@code -specs=}, and lets through {@code
 * -wrapper} (remote command execution), {@code -aux-info PATH} (writes any file) and {@code @FILE}
 * (file contents in SERR). All three are refused here.
 */
public final class ArgumentPolicy {

  /**
   * Values of options that may go through: words, numbers, lists. No '/' (so no absolute or nested
   * path), no "..", no '@' (response files), nothing a shell would care about.
   */
  private static final Pattern SIMPLE_VALUE = Pattern.compile("[A-Za-z0-9_.,+=:-]*");

  /** A --param value: a parameter name, '=', a simple value. */
  private static final Pattern PARAM =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*=[A-Za-z0-9_.,+:-]*");

  /** Source extension -> extension of the preprocessed input (stock distcc's dcc_preproc_exten). */
  private static final Map<String, String> PREPROCESSED_EXTENSION =
      Map.ofEntries(
          Map.entry("c", ".i"),
          Map.entry("i", ".i"),
          Map.entry("cc", ".ii"),
          Map.entry("cpp", ".ii"),
          Map.entry("cxx", ".ii"),
          Map.entry("cp", ".ii"),
          Map.entry("c++", ".ii"),
          Map.entry("C", ".ii"),
          Map.entry("ii", ".ii"),
          Map.entry("m", ".mi"),
          Map.entry("mi", ".mi"),
          Map.entry("mm", ".mii"),
          Map.entry("M", ".mii"),
          Map.entry("mii", ".mii"),
          Map.entry("s", ".s"),
          Map.entry("S", ".s"));

  /** Options without a value that are plainly safe for a compile job. */
  private static final Set<String> FLAGS =
      Set.of(
          "-c",
          "-S",
          "-pipe",
          "-w",
          "-v",
          "-ansi",
          "-pedantic",
          "-pedantic-errors",
          "-pthread",
          "-p",
          "-pg",
          "-nostdinc",
          "-nostdinc++",
          "-MD",
          "-MMD",
          "-MP",
          "-MG",
          "-static",
          "-shared",
          "-rdynamic",
          "-pie",
          "-no-pie",
          "-static-pie",
          "-undef",
          "-trigraphs",
          "-Werror",
          "-Wall",
          "-Wextra",
          "-fPIC",
          "-fpic",
          "-fPIE",
          "-fpie");

  /** Options refused whatever follows them, as exact words. */
  private static final Map<String, String> REFUSED_WORDS =
      Map.of(
          "-x", "overrides the language; the stock client compiles such jobs locally",
          "-E", "preprocessing runs on the client",
          "-M", "preprocessing runs on the client",
          "-MM", "preprocessing runs on the client",
          "-###", "produces no object");

  /**
   * Include options whose value is a path (stock distccd's list): a pump job may carry them, with
   * the path checked and re-rooted; a plain job may not, since its client preprocessed already.
   */
  private static final List<String> INCLUDE_OPTIONS =
      List.of(
          "-I",
          "-include",
          "-imacros",
          "-idirafter",
          "-iprefix",
          "-iwithprefixbefore",
          "-iwithprefix",
          "-isystem",
          "-iquote");

  /** Options refused by prefix (joined or separate value alike), with the reason given. */
  private static final Map<String, String> REFUSED_PREFIXES = refusedPrefixes();

  private static Map<String, String> refusedPrefixes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("-wrapper", "runs a program of the client's choice on the volunteer");
    m.put("-B", "makes the compiler load its programs from a path of the volunteer");
    m.put("-specs", "loads a specs file, which can run any program");
    m.put("-fplugin", "loads a shared library into the compiler");
    m.put("-aux-info", "writes a file at a path of the client's choice");
    m.put("-dump", "writes files at a path of the client's choice or prints no object");
    m.put("-print-", "prints the volunteer's paths instead of compiling");
    m.put("--sysroot", "reads headers and libraries from a path of the volunteer");
    m.put("-isysroot", "reads headers from a path of the volunteer");
    m.put("-save-temps", "writes extra files that would never reach the client");
    m.put("-gsplit-dwarf", "writes a .dwo file that would never reach the client");
    m.put("-fdump-", "writes compiler dumps that would never reach the client");
    m.put("-fcompare-debug", "runs the compiler twice with options of the client's choice");
    m.put("-fcallgraph-info", "writes files that would never reach the client");
    m.put("-fprofile-", "profiling objects embed the volunteer's paths; compile locally");
    m.put("-fauto-profile", "reads profile data, which only the client has");
    m.put("-ftest-coverage", "coverage objects embed the volunteer's paths; compile locally");
    m.put("--coverage", "coverage objects embed the volunteer's paths; compile locally");
    m.put("-fsyntax-only", "produces no object");
    m.put("-Wp,", "passes options to the preprocessor, which runs on the client");
    m.put("-Xpreprocessor", "passes options to the preprocessor, which runs on the client");
    m.put("-Xlinker", "linking is not distributed");
    m.put("-Xclang", "passes raw options to the compiler proper");
    m.put("-target", "clang targets are not in this volunteer's catalog");
    m.put("--target", "clang targets are not in this volunteer's catalog");
    m.put("-time", "writes timing reports");
    m.put("--help", "prints help instead of compiling");
    m.put("--version", "prints a version instead of compiling");
    String includes =
        "names a path of the volunteer; in plain distcc the client preprocesses, so include"
            + " paths have no place in the job";
    for (String option : INCLUDE_OPTIONS) {
      m.put(option, includes);
    }
    for (String option : List.of("-imultilib", "-imultiarch", "-iplugindir")) {
      m.put(option, "changes where the compiler finds its own files");
    }
    m.put("-L", "names a library path of the volunteer; linking is not distributed");
    return Collections.unmodifiableMap(m);
  }

  /** Prefix maps: their old prefix is a path of the client's, which a pump job re-roots. */
  private static final List<String> PREFIX_MAPS =
      List.of("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=");

  /** -f options whose values are strings recorded in the object, never opened as files. */
  private static final List<String> STRING_VALUED_F =
      Stream.concat(
              PREFIX_MAPS.stream(),
              Stream.of("-frandom-seed=", "-finstrument-functions-exclude-file-list="))
          .toList();

  /**
   * Option families whose value after the prefix must be simple: warnings, -f and -m flags,
   * optimisation and debug levels, the language standard, --param, libraries.
   */
  private static final List<String> SIMPLE_FAMILIES =
      List.of("--param=", "-std=", "-W", "-f", "-m", "-O", "-g", "-l");

  /**
   * Checks {@code argv} (argv[0] is the compiler) and returns the command with the client's paths
   * replaced by job slots.
   *
   * @throws JobRefusedException naming the first argument that may not run here, and why
   */
  public CompileCommand check(CompilerName compiler, List<String> argv) throws JobRefusedException {
    return check(compiler, argv, null);
  }

  /**
   * Checks a pump (protocol 3) job's {@code argv}: the client preprocesses nothing, so include
   * options are allowed, with their paths checked against the client's working directory and
   * re-rooted into the job when absolute, as are the source and prefix maps. As stock distccd, the
   * first {@code -MT x} is taken out and becomes the dependency file's target, {@code -MMD} is
   * added unless {@code -MD}/{@code -MMD} is there, and {@code -MF} names the job's file.
   */
  public CompileCommand checkPump(CompilerName compiler, List<String> argv, String clientCwd)
      throws JobRefusedException {
    return check(compiler, argv, JobRoot.segments(clientCwd, "working directory").size());
  }

  private CompileCommand check(CompilerName compiler, List<String> argv, Integer cwdDepth)
      throws JobRefusedException {
    Scan scan = new Scan(argv, cwdDepth);
    for (int i = 1; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (arg.isEmpty()) {
        throw refuse(arg, "an empty argument");
      }
      if (arg.startsWith("@")) {
        throw refuse(arg, "a response file would be read from the volunteer's disk");
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        scan.source(arg);
      } else if (arg.startsWith("-o")) {
        i = scan.output(i);
      } else {
        int pumpTaken = scan.pump() ? scan.pumpOption(i) : -1;
        i = pumpTaken >= 0 ? pumpTaken : scan.option(i);
      }
    }
    return scan.command(compiler);
  }

  /**
   * One pass over a job's arguments: what it found so far, and the command being built. The rules
   * both protocols share are in {@link #source}, {@link #output} and {@link #option}; the ones only
   * pump jobs follow are in {@link #pumpOption} and the end of {@link #command}.
   */
  private static final class Scan {
    private final List<String> argv;

    /** null for protocol 1/2; for pump, how deep the client's cwd is. */
    private final Integer cwdDepth;

    private final List<Object> out;
    private String source;
    private String sourceExtension;
    private String clientOutput;
    private String dependencyTarget;
    private boolean compile;
    private boolean assemblyOnly;
    private boolean output;

    Scan(List<String> argv, Integer cwdDepth) {
      this.argv = argv;
      this.cwdDepth = cwdDepth;
      this.out = new ArrayList<>(argv.size() + 4);
    }

    boolean pump() {
      return cwdDepth != null;
    }

    void source(String arg) throws JobRefusedException {
      if (source != null) {
        throw refuse(
            arg, "a second source file (" + source + " came first); distcc compiles one at a time");
      }
      sourceExtension = extension(arg);
      if (sourceExtension == null) {
        throw refuse(arg, "not a C, C++, Objective-C or assembler source file name");
      }
      source = arg;
      out.add(pump() ? clientPath("", arg, cwdDepth) : Slot.SOURCE);
    }

    /** {@code -o FILE} or {@code -oFILE}: the client's name is kept, the job's slot is used. */
    int output(int i) throws JobRefusedException {
      String arg = argv.get(i);
      if (output) {
        throw refuse(arg, "a second output file");
      }
      output = true;
      out.add("-o");
      out.add(Slot.OUTPUT);
      if (arg.equals("-o")) {
        requireValue(argv, i, arg);
        clientOutput = argv.get(++i);
      } else {
        clientOutput = arg.substring(2);
      }
      return i;
    }

    /**
     * The options only a pump job may carry, since its client sent the files they name: include
     * paths and prefix maps, re-rooted when absolute, and the first {@code -MT}.
     *
     * @return the index of the last word taken, or -1 when {@code argv[i]} is not one of them
     */
    int pumpOption(int i) throws JobRefusedException {
      String arg = argv.get(i);
      if (arg.equals("-MT") && dependencyTarget == null) {
        requireValue(argv, i, arg);
        dependencyTarget = argv.get(++i); // stock: the first -MT names the .d target
        return i;
      }
      if (INCLUDE_OPTIONS.contains(arg)) {
        requireValue(argv, i, arg);
        out.add(arg);
        out.add(clientPath("", argv.get(++i), cwdDepth));
        return i;
      }
      String joined = joinedIncludeOption(arg);
      if (joined != null) {
        out.add(clientPath(joined, arg.substring(joined.length()), cwdDepth));
        return i;
      }
      for (String prefix : PREFIX_MAPS) {
        if (arg.startsWith(prefix) && arg.startsWith("/", prefix.length())) {
          // the old prefix is a path of the client's, re-rooted as stock distccd does
          out.add(new CompileCommand.Rooted(prefix, arg.substring(prefix.length())));
          return i;
        }
      }
      return -1;
    }

    /** Every other option, as both protocols allow it; returns the index of its last word. */
    int option(int i) throws JobRefusedException {
      String arg = argv.get(i);
      if (arg.equals("-c")) {
        compile = true;
      } else if (arg.equals("-S")) {
        assemblyOnly = true;
      }
      if (arg.equals("-MF")) {
        requireValue(argv, i, arg);
        out.add(arg);
        out.add(Slot.DEPENDENCIES);
        return i + 1;
      }
      if (arg.equals("-MT") || arg.equals("-MQ") || arg.equals("-D") || arg.equals("-U")) {
        // targets and macro definitions are strings, never paths that get opened
        requireValue(argv, i, arg);
        out.add(arg);
        out.add(argv.get(++i));
        return i;
      }
      if (arg.equals("--param") || arg.equals("-Xassembler")) {
        requireValue(argv, i, arg);
        String value = argv.get(++i);
        requireSimple(arg + " " + value, value);
        if (arg.equals("--param") && !PARAM.matcher(value).matches()) {
          // found by fuzzing: "--param -include" would pass an option where NAME=VALUE belongs
          throw refuse(arg + " " + value, "its value must be NAME=VALUE");
        }
        out.add(arg);
        out.add(value);
        return i;
      }
      checkSingle(arg);
      out.add(arg);
      return i;
    }

    /**
     * The command, once every word passed: a source, a compile, an output slot and, for pump, the
     * dependency file stock distccd writes ({@code -MMD} unless {@code -MD}/{@code -MMD} is there,
     * {@code -MF} in the job, the server's {@code -MT}).
     */
    CompileCommand command(CompilerName compiler) throws JobRefusedException {
      if (source == null) {
        throw new JobRefusedException(
            ExitCode.BAD_ARGUMENTS, "refused: no source file in the arguments");
      }
      if (!compile && !assemblyOnly) {
        throw new JobRefusedException(
            ExitCode.BAD_ARGUMENTS,
            "refused: neither -c nor -S: linking is not distributed, run it on the client");
      }
      boolean assembly = assemblyOnly && !compile;
      if (!output) {
        out.add("-o");
        out.add(Slot.OUTPUT);
        clientOutput = stem(source) + (assembly ? ".s" : ".o");
      }
      if (pump()) {
        if (!out.contains("-MD") && !out.contains("-MMD")) {
          out.add("-MMD");
        }
        out.add("-MF");
        out.add(Slot.DEPENDENCIES);
        out.add("-MT");
        out.add(DependencyFile.SERVER_TARGET);
      }
      return new CompileCommand(
          compiler,
          out,
          source,
          PREPROCESSED_EXTENSION.get(sourceExtension),
          assembly,
          pump(),
          clientOutput,
          dependencyTarget);
    }
  }

  /** The include option {@code arg} starts with when it carries its path joined, or null. */
  private static String joinedIncludeOption(String arg) {
    for (String option : INCLUDE_OPTIONS) {
      if (arg.startsWith(option) && arg.length() > option.length()) {
        return option;
      }
    }
    return null;
  }

  /**
   * A path the client named: absolute ones are re-rooted into the job, relative ones stay as they
   * are (the compiler runs in the client's cwd under the root) but may not climb above the root.
   */
  private static Object clientPath(String option, String path, int cwdDepth)
      throws JobRefusedException {
    if (path.isEmpty() || path.startsWith("-") || path.startsWith("@")) {
      // found by fuzzing: "-include -aux-info x" and "-include @f" put an option or a response
      // file where a path belongs
      throw refuse(option + path, "its path is missing or looks like an option or response file");
    }
    if (path.startsWith("/")) {
      JobRoot.segments(path, "path");
      return new CompileCommand.Rooted(option, path);
    }
    int depth = cwdDepth;
    boolean climbing = true;
    for (String part : path.split("/+")) {
      if (part.equals("..")) {
        if (!climbing || --depth < 0) {
          throw refuse(option + path, "leads outside the files the client sent");
        }
      } else if (!part.equals(".") && !part.isEmpty()) {
        climbing = false;
      }
    }
    return option + path;
  }

  private static String stem(String file) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Refuses a single-word option unless its shape is on the allow-list. */
  private static void checkSingle(String arg) throws JobRefusedException {
    if (FLAGS.contains(arg)) {
      return;
    }
    String reason = REFUSED_WORDS.get(arg);
    if (reason != null) {
      throw refuse(arg, reason);
    }
    for (Map.Entry<String, String> refused : REFUSED_PREFIXES.entrySet()) {
      if (arg.startsWith(refused.getKey())) {
        throw refuse(arg, refused.getValue());
      }
    }
    if (arg.startsWith("-D") || arg.startsWith("-U")) {
      return; // macro definitions: strings only
    }
    if (arg.startsWith("-m") && arg.endsWith("=native")) {
      throw refuse(
          arg,
          "would tune the code for the volunteer's CPU, not the client's; run 'farm check-flags'"
              + " on the client and use the explicit flags it suggests");
    }
    if (arg.startsWith("-Wa,") || arg.startsWith("-Wl,")) {
      for (String part : arg.substring(4).split(",", -1)) {
        requireSimple(arg, part);
      }
      return;
    }
    for (String prefix : STRING_VALUED_F) {
      if (arg.startsWith(prefix)) {
        return;
      }
    }
    for (String family : SIMPLE_FAMILIES) {
      if (arg.startsWith(family)) {
        requireSimple(arg, arg.substring(family.length()));
        return;
      }
    }
    throw refuse(arg, "not on this volunteer's list of options a compile job may carry");
  }

  private static void requireSimple(String arg, String value) throws JobRefusedException {
    if (!SIMPLE_VALUE.matcher(value).matches() || value.contains("..")) {
      throw refuse(arg, "its value could name a path of the volunteer");
    }
  }

  private static void requireValue(List<String> argv, int i, String arg)
      throws JobRefusedException {
    if (i + 1 >= argv.size()) {
      throw refuse(arg, "its value is missing");
    }
  }

  /** The extension of a source file name the compiler knows, or null. */
  private static String extension(String file) {
    int dot = file.lastIndexOf('.');
    if (dot < 0 || dot < file.lastIndexOf('/')) {
      return null;
    }
    String ext = file.substring(dot + 1);
    return PREPROCESSED_EXTENSION.containsKey(ext) ? ext : null;
  }

  private static JobRefusedException refuse(String arg, String reason) {
    return new JobRefusedException(ExitCode.BAD_ARGUMENTS, "refused '" + arg + "': " + reason);
  }
}
