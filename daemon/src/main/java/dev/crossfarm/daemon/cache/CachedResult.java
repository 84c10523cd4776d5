package dev.crossfarm.daemon.cache;

/**
 * A successful compile's reply, as the cache gives it back: what the compiler wrote, byte for byte.
 */
public record CachedResult(byte[] stderr, byte[] stdout, byte[] object) {}
