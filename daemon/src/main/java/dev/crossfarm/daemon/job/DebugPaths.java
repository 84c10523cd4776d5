package dev.crossfarm.daemon.job;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Makes a pump job's {@code -g} object carry the client's paths: in the DWARF string sections the
 * job root ({@code /tmp/.../root}) is replaced by {@code /} padded with slashes to the same length,
 * so {@code ROOT/home/u/a.c} reads {@code ////////home/u/a.c}, the client's file, and no offset in
 * the object moves (stock distccd's {@code fix_debug_info}). Objects that are not ELF, or whose
 * byte order differs from what the header says, are left alone.
 */
public final class DebugPaths {

  /** Where DWARF keeps path strings: DW_AT_name/comp_dir and, in DWARF 5, the line tables. */
  static final Set<String> SECTIONS =
      Set.of(".debug_info", ".debug_str", ".debug_line_str", ".debug_line");

  private DebugPaths() {}

  /** Rewrites {@code object} in place; returns how many occurrences were replaced. */
  public static int rewrite(Path object, String root) throws IOException {
    byte[] elf = Files.readAllBytes(object);
    int n = rewrite(elf, root.getBytes(StandardCharsets.UTF_8));
    if (n > 0) {
      Files.write(object, elf);
    }
    return n;
  }

  static int rewrite(byte[] elf, byte[] search) {
    if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
      return 0;
    }
    boolean is64 = elf[4] == 2;
    ByteBuffer b =
        ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    long shoff = is64 ? b.getLong(0x28) : Integer.toUnsignedLong(b.getInt(0x20));
    int shentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x3a : 0x2e));
    int shnum = Short.toUnsignedInt(b.getShort(is64 ? 0x3c : 0x30));
    int shstrndx = Short.toUnsignedInt(b.getShort(is64 ? 0x3e : 0x32));
    if (shoff <= 0
        || shnum == 0
        || shstrndx >= shnum
        || shoff + (long) shnum * shentsize > elf.length) {
      return 0;
    }
    long namesOffset = sectionOffset(b, is64, shoff + (long) shstrndx * shentsize);
    byte[] replace = new byte[search.length];
    Arrays.fill(replace, (byte) '/');
    int count = 0;
    for (int i = 0; i < shnum; i++) {
      long header = shoff + (long) i * shentsize;
      String name = cString(elf, namesOffset + Integer.toUnsignedLong(b.getInt((int) header)));
      if (!SECTIONS.contains(name)) {
        continue;
      }
      long offset = sectionOffset(b, is64, header);
      long size =
          is64
              ? b.getLong((int) header + 0x20)
              : Integer.toUnsignedLong(b.getInt((int) header + 0x14));
      if (offset < 0 || size < 0 || offset + size > elf.length) {
        continue;
      }
      count += replaceAll(elf, (int) offset, (int) (offset + size), search, replace);
    }
    return count;
  }

  private static long sectionOffset(ByteBuffer b, boolean is64, long header) {
    return is64
        ? b.getLong((int) header + 0x18)
        : Integer.toUnsignedLong(b.getInt((int) header + 0x10));
  }

  private static String cString(byte[] elf, long at) {
    int end = (int) at;
    while (end < elf.length && elf[end] != 0) {
      end++;
    }
    return at >= elf.length
        ? ""
        : new String(elf, (int) at, end - (int) at, StandardCharsets.US_ASCII);
  }

  private static int replaceAll(byte[] data, int from, int to, byte[] search, byte[] replace) {
    int count = 0;
    outer:
    for (int i = from; i <= to - search.length; i++) {
      for (int j = 0; j < search.length; j++) {
        if (data[i + j] != search[j]) {
          continue outer;
        }
      }
      System.arraycopy(replace, 0, data, i, replace.length);
      count++;
      i += search.length - 1;
    }
    return count;
  }
}
