package dev.crossfarm.daemon.job;

/**
 * The dependency file of a pump job, made fit for the client as stock distccd makes it: on each
 * line the job's output path is replaced (first occurrence) by the client's target, then every
 * occurrence of the job root is removed, so paths read as the client's own.
 */
public final class DependencyFile {

  /**
   * The target gcc writes into a pump job's dependency file, replaced by the client's afterwards.
   * gcc wraps the file's lines by column, so the first line's target decides where they break:
   * stock distccd's target is its temporary object, {@code /tmp/distccd_XXXXXXXX.o}. A name of that
   * length makes the dependency files byte-identical to stock's, whatever this job's path.
   */
  public static final String SERVER_TARGET = "/tmp/distccd_00000000.o";

  private DependencyFile() {}

  public static String forClient(
      String text, String root, String serverOutput, String clientTarget) {
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("(?<=\n)")) {
      int at = line.indexOf(serverOutput);
      if (at >= 0) {
        line = line.substring(0, at) + clientTarget + line.substring(at + serverOutput.length());
      }
      out.append(line.replace(root, ""));
    }
    return out.toString();
  }
}
