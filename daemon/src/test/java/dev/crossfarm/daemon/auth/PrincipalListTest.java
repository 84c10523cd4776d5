package dev.crossfarm.daemon.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrincipalListTest {

  @Test
  void aWhitelistAdmitsOnlyItsNamesWhateverTheRealm(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("w"), "# builders\nalice\n  carol  \n\n");
    PrincipalList list = PrincipalList.read(PrincipalList.Kind.WHITELIST, file);
    assertTrue(list.admits("alice@FARM.TEST"));
    assertTrue(list.admits("carol@OTHER.ORG"));
    assertTrue(list.admits("alice"));
    assertFalse(list.admits("bob@FARM.TEST"));
    assertFalse(list.admits("# builders"));
    assertFalse(list.admits("alice/admin@FARM.TEST"), "another principal, not alice");
  }

  @Test
  void aBlacklistAdmitsEveryoneButItsNames(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("b"), "mallory\n");
    PrincipalList list = PrincipalList.read(PrincipalList.Kind.BLACKLIST, file);
    assertFalse(list.admits("mallory@FARM.TEST"));
    assertTrue(list.admits("alice@FARM.TEST"));
  }
}
