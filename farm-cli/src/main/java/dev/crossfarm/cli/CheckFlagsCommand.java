package dev.crossfarm.cli;

import dev.crossfarm.cli.flags.NativeFlags;
import dev.crossfarm.cli.flags.ShellAssignments;
import dev.crossfarm.cli.generate.ArtefactWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code farm check-flags}: find -march=native and friends before they reach a volunteer. */
@Command(
    name = "check-flags",
    header = "Find (and fix) -march=native and friends in build flags.",
    mixinStandardHelpOptions = true,
    description = {
      "Find -march=native, -mtune=native and -mcpu=native in makepkg.conf, Portage's make.conf",
      "(following $CFLAGS references) and the environment (CFLAGS CXXFLAGS CPPFLAGS MAKEFLAGS).",
      "'native' means the CPU of whichever machine compiles: on a volunteer, the volunteer's.",
      "Exit 1 when any is found, 0 when clean.",
      "",
      "Without FILE: /etc/makepkg.conf and /etc/portage/make.conf (those present) and the",
      "environment. --fix replaces them in the files with what this machine's compiler resolves",
      "them to, keeping a backup: run it on the client itself, never for another machine."
    })
final class CheckFlagsCommand implements Callable<Integer> {

  static final List<Path> DEFAULT_FILES =
      List.of(Path.of("/etc/makepkg.conf"), Path.of("/etc/portage/make.conf"));
  static final List<String> ENVIRONMENT = List.of("CFLAGS", "CXXFLAGS", "CPPFLAGS", "MAKEFLAGS");

  @Parameters(
      paramLabel = "FILE",
      arity = "0..*",
      description = "Files in shell-assignment syntax.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--fix",
      description = "Replace native flags in the files with explicit ones (backup kept).")
  boolean fix;

  @Option(
      names = "--compiler",
      paramLabel = "CC",
      defaultValue = "gcc",
      description = "Compiler that resolves native for --fix (default: ${DEFAULT-VALUE}).")
  String compiler;

  @Override
  public Integer call() throws IOException {
    boolean defaults = files.isEmpty();
    List<Path> toCheck =
        defaults ? DEFAULT_FILES.stream().filter(Files::isRegularFile).toList() : files;
    List<NativeFlags.Finding> findings = new ArrayList<>();
    for (Path f : toCheck) {
      if (!Files.isRegularFile(f)) {
        throw new ExitException(Farm.FAILURE, f + ": no such file");
      }
      findings.addAll(check(f));
    }
    if (defaults) {
      for (String var : ENVIRONMENT) {
        String value = System.getenv(var);
        var m = value == null ? null : NativeFlags.NATIVE.matcher(value);
        while (m != null && m.find()) {
          findings.add(new NativeFlags.Finding("environment", 0, var, m.group(), null));
        }
      }
    }
    if (findings.isEmpty()) {
      System.out.println(
          "no native CPU flags in " + (toCheck.isEmpty() ? "the environment" : toCheck));
      return 0;
    }
    findings.forEach(
        f -> System.out.println(f.describe().replace("environment:0: ", "environment: ")));
    if (!fix) {
      System.out.println(
          "These build for the CPU of whichever machine compiles. Replace them with explicit"
              + " flags ('farm check-flags --fix' on the client itself).");
      return Farm.FAILURE;
    }
    Map<String, String> explicit = NativeFlags.resolve(compiler);
    Farm.progress(
        "WARNING: "
            + compiler
            + " on THIS machine resolves native to "
            + explicit.values()
            + "; a cross client must run --fix on the client itself, not for another machine.");
    ArtefactWriter writer = new ArtefactWriter(Clock.systemUTC());
    for (Path f : toCheck) {
      String text = Files.readString(f);
      String fixed = NativeFlags.replace(text, explicit);
      if (!fixed.equals(text)) {
        writer
            .write(f, fixed)
            .ifPresent(b -> Farm.progress("fixed " + f + "; the original is " + b));
      }
    }
    List<NativeFlags.Finding> left = new ArrayList<>();
    for (Path f : toCheck) {
      left.addAll(check(f));
    }
    left.forEach(f -> System.out.println("not fixed: " + f.describe()));
    return left.isEmpty() ? 0 : Farm.FAILURE;
  }

  static List<NativeFlags.Finding> check(Path file) throws IOException {
    return NativeFlags.find(
        file.toString(), ShellAssignments.parse(Files.readString(file), System.getenv()));
  }
}
