package dev.crossfarm.toolchain;

import java.util.Locale;

/**
 * What the ELF header of every object built for a target must say. A volunteer checks each object
 * against this before replying, so a client never receives code for another machine (stock distcc
 * issue #440: arm64 clients silently got x86-64 objects).
 *
 * @param elfClass 32 or 64 (EI_CLASS)
 * @param byteOrder {@code little} or {@code big} (EI_DATA)
 * @param machine the e_machine value (62 x86-64, 40 ARM, 183 AArch64)
 * @param machineName how people and {@code file(1)} name that machine
 */
public record ElfTarget(int elfClass, String byteOrder, int machine, String machineName) {

  public ElfTarget {
    if (elfClass != 32 && elfClass != 64) {
      throw new IllegalArgumentException("elfClass must be 32 or 64, not " + elfClass);
    }
    byteOrder = byteOrder == null ? "" : byteOrder.toLowerCase(Locale.ROOT);
    if (!byteOrder.equals("little") && !byteOrder.equals("big")) {
      throw new IllegalArgumentException(
          "byteOrder must be little or big, not '" + byteOrder + "'");
    }
    if (machine <= 0 || machine > 0xffff) {
      throw new IllegalArgumentException("machine must be an ELF e_machine value, not " + machine);
    }
  }

  public boolean littleEndian() {
    return byteOrder.equals("little");
  }

  /** A short description, e.g. {@code ELF64 little-endian AArch64}. */
  public String describe() {
    return "ELF" + elfClass + " " + byteOrder + "-endian " + machineName;
  }
}
