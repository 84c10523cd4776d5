package dev.crossfarm.daemon.protocol;

/**
 * Bounds on what one request may carry, checked as each header arrives so a hostile length never
 * allocates anything. Defaults are far above real compile jobs (a heavy C++ unit preprocesses to
 * tens of MB, argv stays under a few hundred arguments).
 *
 * @param maxArgs most arguments (ARGC)
 * @param maxArgLength longest single argument (ARGV), bytes
 * @param maxSourceBytes largest source (DOTI), or single pump file, bytes, before and after
 *     decompression
 * @param maxFiles most files in one pump request (NFIL)
 * @param maxTotalBytes most bytes of all files of one pump request, after decompression
 */
public record RequestLimits(
    int maxArgs, int maxArgLength, long maxSourceBytes, int maxFiles, long maxTotalBytes) {

  public static final RequestLimits DEFAULT =
      new RequestLimits(4096, 64 * 1024, 256L << 20, 65536, 1L << 30);

  /** The given limits for protocol 1 and 2, pump limits from {@link #DEFAULT}. */
  public RequestLimits(int maxArgs, int maxArgLength, long maxSourceBytes) {
    this(maxArgs, maxArgLength, maxSourceBytes, 65536, Math.max(1L << 30, maxSourceBytes));
  }

  public RequestLimits {
    if (maxArgs < 2 || maxArgLength < 16 || maxSourceBytes < 1024) {
      throw new IllegalArgumentException(
          "request limits too small to compile anything: args "
              + maxArgs
              + ", arg length "
              + maxArgLength
              + ", source "
              + maxSourceBytes);
    }
    if (maxSourceBytes > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("the largest source is limited to 2 GiB");
    }
  }
}
